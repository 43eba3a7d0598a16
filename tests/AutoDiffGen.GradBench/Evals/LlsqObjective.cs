using System;
using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>
/// GradBench's <c>llsq</c> eval: fit a polynomial with coefficients x to the sign function sampled at n points
/// evenly spaced in [−1, 1], by least squares.
/// </summary>
public static partial class LlsqObjective
{
    /// <summary>½ Σᵢ (sign(tᵢ) − Σⱼ xⱼ tᵢʲ)² with tᵢ = −1 + 2i/(n − 1), i = 0 … n − 1.</summary>
    [Differentiable]
    public static double LeastSquares(double[] x, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double t = -1 + i * 2.0 / (n - 1);
            double residual = Math.Sign(t);
            double power = 1;
            for (int j = 0; j < x.Length; j++)
            {
                residual -= x[j] * power;
                power *= t;
            }
            sum += residual * residual;
        }
        return sum / 2;
    }
}
