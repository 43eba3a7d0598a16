using System;
using AutoDiffGen;

namespace AutoDiffGen.Tests.Library;

/// <summary>Differentiable functions compiled into their own assembly, called from the test assembly.</summary>
public static partial class Geometry
{
    /// <summary>The Euclidean length of (x, y).</summary>
    [Differentiable]
    public static double Hypot(double x, double y) => Math.Sqrt(x * x + y * y);

    /// <summary>The squared Euclidean norm of a vector.</summary>
    [Differentiable]
    public static double SquaredNorm(double[] v)
    {
        double sum = 0;
        foreach (double component in v)
        {
            sum += component * component;
        }
        return sum;
    }
}
