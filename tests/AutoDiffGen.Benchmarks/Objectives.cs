using System;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// The objectives the gradient benchmarks differentiate, written as one would write them without thinking about
/// differentiation. The generator adds <c>RosenbrockGradient</c>, <c>MseGradient</c> and <c>LogSumExpMixtureGradient</c>
/// (and the pullbacks) to this class.
/// </summary>
public static partial class Objectives
{
    /// <summary>The extended Rosenbrock function: Σ_{i&lt;n-1} 100 (x[i+1] − x[i]²)² + (1 − x[i])².</summary>
    [Differentiable]
    public static double Rosenbrock(double[] x)
    {
        double sum = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            sum += 100 * a * a + b * b;
        }
        return sum;
    }

    /// <summary>Mean squared error of the line w·x + b on the points (x[i], y[i]).</summary>
    [Differentiable]
    public static double Mse(double w, double b, [NoDerivative] double[] x, [NoDerivative] double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double r = w * x[i] + b - y[i];
            sum += r * r;
        }
        return sum / x.Length;
    }

    /// <summary>
    /// Σ_j log Σ_k exp(logits[k] − (data[j] − means[k])² / 2): the (unnormalized) log-likelihood of a mixture of
    /// unit-variance Gaussians, computed stably by subtracting each point's largest term before exponentiating.
    /// </summary>
    [Differentiable]
    public static double LogSumExpMixture(double[] logits, double[] means, [NoDerivative] double[] data)
    {
        double total = 0;
        for (int j = 0; j < data.Length; j++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < logits.Length; k++)
            {
                double d = data[j] - means[k];
                double s = logits[k] - d * d / 2;
                if (s > max)
                {
                    max = s;
                }
            }
            double sum = 0;
            for (int k = 0; k < logits.Length; k++)
            {
                double d = data[j] - means[k];
                sum += Math.Exp(logits[k] - d * d / 2 - max);
            }
            total += max + Math.Log(sum);
        }
        return total;
    }
}
