using System;
using System.ComponentModel;

namespace AutoDiffGen.CompilerServices;

/// <summary>Argument checks shared by generated gradient and pullback methods.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GradientGuards
{
    /// <summary>Throws when an adjoint span's length differs from its primal's.</summary>
    /// <param name="primalLength">Length of the primal input.</param>
    /// <param name="adjointLength">Length of the adjoint the caller passed.</param>
    /// <param name="primalName">Name of the primal parameter.</param>
    /// <param name="adjointName">Name of the adjoint parameter, reported as the faulty argument.</param>
    public static void SameLength(int primalLength, int adjointLength, string primalName, string adjointName)
    {
        if (primalLength != adjointLength)
        {
            throw new ArgumentException(
                $"The adjoint '{adjointName}' has length {adjointLength}, but the parameter '{primalName}' has length {primalLength}; pass a span of the same length.",
                adjointName);
        }
    }
}
