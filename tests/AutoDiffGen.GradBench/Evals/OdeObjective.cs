using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// GradBench's <c>ode</c> eval: the chain y₀′ = x₀, yᵢ′ = xᵢ·yᵢ₋₁ with y(0) = 0, integrated from t = 0 to 2 by
/// <c>s</c> steps of the classical fourth-order Runge–Kutta method.
/// </summary>
public static partial class OdeObjective
{
    /// <summary>The final time of the integration.</summary>
    private const double FinalTime = 2;

    /// <summary>The whole solution vector y(2): GradBench's <c>primal</c>.</summary>
    public static double[] Solve(double[] x, int steps)
    {
        int n = x.Length;
        double h = FinalTime / steps;
        double[] y = new double[n];
        double[] k1 = new double[n];
        double[] k2 = new double[n];
        double[] k3 = new double[n];
        double[] k4 = new double[n];
        double[] stage = new double[n];
        for (int step = 0; step < steps; step++)
        {
            Derivative(x, y, k1);
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k1[i] / 2;
            }
            Derivative(x, stage, k2);
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k2[i] / 2;
            }
            Derivative(x, stage, k3);
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k3[i];
            }
            Derivative(x, stage, k4);
            for (int i = 0; i < n; i++)
            {
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
            }
        }
        return y;
    }

    /// <summary>The right-hand side: z₀ = x₀, zᵢ = xᵢ·yᵢ₋₁.</summary>
    private static void Derivative(double[] x, double[] y, double[] z)
    {
        z[0] = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            z[i] = x[i] * y[i - 1];
        }
    }

    /// <summary>
    /// The last element of <see cref="Solve"/>'s result, whose gradient with respect to x is GradBench's
    /// <c>gradient</c>. The same integration as <see cref="Solve"/>, written out in one method because a
    /// [Differentiable] method returns a scalar and cannot write into an array argument.
    /// </summary>
    [Differentiable]
    public static double LastOutput(double[] x, int steps)
    {
        int n = x.Length;
        double h = FinalTime / steps;
        double[] y = new double[n];
        double[] k1 = new double[n];
        double[] k2 = new double[n];
        double[] k3 = new double[n];
        double[] k4 = new double[n];
        double[] stage = new double[n];
        for (int step = 0; step < steps; step++)
        {
            k1[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k1[i] = x[i] * y[i - 1];
            }
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k1[i] / 2;
            }
            k2[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k2[i] = x[i] * stage[i - 1];
            }
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k2[i] / 2;
            }
            k3[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k3[i] = x[i] * stage[i - 1];
            }
            for (int i = 0; i < n; i++)
            {
                stage[i] = y[i] + h * k3[i];
            }
            k4[0] = x[0];
            for (int i = 1; i < n; i++)
            {
                k4[i] = x[i] * stage[i - 1];
            }
            for (int i = 0; i < n; i++)
            {
                y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
            }
        }
        return y[n - 1];
    }
}
