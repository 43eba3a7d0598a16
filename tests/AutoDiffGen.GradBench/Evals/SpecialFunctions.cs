using System;
using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>Functions that .NET's <see cref="Math"/> lacks.</summary>
public static partial class SpecialFunctions
{
    /// <summary>The Lanczos approximation's coefficients for g = 7 and nine terms (relative error about 1e-15).</summary>
    private static readonly double[] LanczosCoefficients =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];

    /// <summary>log Γ(x) for x &gt; 0, by the Lanczos approximation.</summary>
    public static double LogGamma(double x)
    {
        // Below ½ the series loses accuracy; Γ(x) = Γ(x + 1) / x moves the argument up.
        double shift = 0;
        if (x < 0.5)
        {
            shift = Math.Log(x);
            x += 1;
        }
        x -= 1;
        double series = LanczosCoefficients[0];
        for (int i = 1; i < LanczosCoefficients.Length; i++)
        {
            series += LanczosCoefficients[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(series) - shift;
    }
}
