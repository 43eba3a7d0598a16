using System;
using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>GradBench's <c>lse</c> eval: log Σ exp xᵢ, computed stably by shifting by the maximum.</summary>
public static partial class LseObjective
{
    /// <summary>log Σᵢ exp(xᵢ) = A + log Σᵢ exp(xᵢ − A) with A = max x, so that no exponential overflows.</summary>
    [Differentiable]
    public static double LogSumExp(double[] x)
    {
        double max = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            max = Math.Max(max, x[i]);
        }
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += Math.Exp(x[i] - max);
        }
        return Math.Log(sum) + max;
    }
}
