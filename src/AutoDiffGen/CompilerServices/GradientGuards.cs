using System;
using System.ComponentModel;
using AutoDiffGen.Tensors;

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

    /// <summary>Throws when a tensor adjoint's shape differs from its primal's; a null adjoint (not wanted) passes.</summary>
    /// <param name="primal">The primal tensor.</param>
    /// <param name="adjoint">The adjoint the caller passed, or null.</param>
    /// <param name="primalName">Name of the primal, for the message.</param>
    /// <param name="adjointName">Name of the adjoint, reported as the faulty argument.</param>
    public static void SameShape(Tensor primal, Tensor? adjoint, string primalName, string adjointName)
    {
        ArgumentNullException.ThrowIfNull(primal, primalName);
        if (adjoint is not null && !primal.HasShapeOf(adjoint))
        {
            throw new ArgumentException(
                $"The adjoint '{adjointName}' has shape {adjoint.ShapeText}, but '{primalName}' has shape {primal.ShapeText}; pass a tensor of the same shape, or null.",
                adjointName);
        }
    }
}
