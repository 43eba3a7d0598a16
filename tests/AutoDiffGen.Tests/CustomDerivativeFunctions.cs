using System;

namespace AutoDiffGen.Tests;

/// <summary>Primitives with hand-written pullbacks registered through [DerivativeOf], as a user would write them.</summary>
public static partial class Primitives
{
    /// <summary>log(1 + eˣ), a primitive that is not [Differentiable] itself.</summary>
    public static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));

    /// <summary>softplus'(x) = sigmoid(x).</summary>
    [DerivativeOf(typeof(Primitives), nameof(Softplus))]
    public static void SoftplusPullback(double x, double seed, ref double dX) => dX += seed / (1 + Math.Exp(-x));

    /// <summary>Σ w[i]·v[i], a kernel with a hand-written pullback over spans.</summary>
    public static double Dot(ReadOnlySpan<double> w, ReadOnlySpan<double> v)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i] * v[i];
        }
        return sum;
    }

    /// <summary>∂/∂w[i] = v[i], ∂/∂v[i] = w[i].</summary>
    [DerivativeOf(typeof(Primitives), nameof(Dot))]
    public static void DotPullback(ReadOnlySpan<double> w, ReadOnlySpan<double> v, double seed, Span<double> dW, Span<double> dV)
    {
        for (int i = 0; i < w.Length; i++)
        {
            dW[i] += seed * v[i];
            dV[i] += seed * w[i];
        }
    }

    /// <summary>A model built from the primitives; its gradient is generated.</summary>
    [Differentiable]
    public static double Model(double[] w, [NoDerivative] double[] x, double bias) => Softplus(Dot(w, x) + bias) * Softplus(bias);
}

/// <summary>A registration that lives with the caller, for a method the user cannot annotate.</summary>
public static partial class CallerRegistered
{
    [DerivativeOf(typeof(Math), nameof(Math.ScaleB))]
    public static void ScaleBPullback(double x, int n, double seed, ref double dX) => dX += seed * Math.ScaleB(1.0, n);

    [Differentiable]
    public static double TimesEight(double x) => Math.ScaleB(x * x, 3);
}
