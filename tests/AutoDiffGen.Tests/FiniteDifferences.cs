using System;
using System.Linq;

namespace AutoDiffGen.Tests;

/// <summary>Central finite differences, the reference every generated gradient is checked against.</summary>
public static class FiniteDifferences
{
    /// <summary>∂f/∂x_i for each i by central differences with a step scaled to x_i.</summary>
    public static double[] Gradient(Func<double[], double> f, double[] x)
    {
        var gradient = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(x[i]));
            double[] plus = (double[])x.Clone();
            double[] minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            gradient[i] = (f(plus) - f(minus)) / (plus[i] - minus[i]);
        }
        return gradient;
    }

    /// <summary>Asserts that <paramref name="analytic"/> matches finite differences of <paramref name="f"/> at <paramref name="x"/>.</summary>
    public static void AssertGradient(Func<double[], double> f, double[] analytic, double[] x, double tolerance = 1e-6)
    {
        double[] numeric = Gradient(f, x);
        Assert.Equal(x.Length, analytic.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double error = Math.Abs(numeric[i] - analytic[i]);
            Assert.True(
                error <= tolerance * (1 + Math.Abs(numeric[i])),
                $"∂f/∂x[{i}] at x = [{string.Join(", ", x.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]: " +
                $"generated {analytic[i]:R}, finite difference {numeric[i]:R}");
        }
    }
}
