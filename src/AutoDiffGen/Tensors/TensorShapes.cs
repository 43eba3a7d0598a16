using System;

namespace AutoDiffGen.Tensors;

/// <summary>Shape checks that name both shapes when they disagree.</summary>
public static class TensorShapes
{
    /// <summary>Throws unless <paramref name="actual"/> has the shape of <paramref name="expected"/>.</summary>
    /// <param name="expected">The tensor whose shape is required.</param>
    /// <param name="actual">The tensor being checked.</param>
    /// <param name="parameterName">The argument reported when the shapes differ.</param>
    public static void RequireSameShape(Tensor expected, Tensor actual, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual, parameterName);
        if (!expected.HasShapeOf(actual))
        {
            throw new ArgumentException($"Shape mismatch: '{parameterName}' has shape {actual.ShapeText}, but shape {expected.ShapeText} is required.", parameterName);
        }
    }
}
