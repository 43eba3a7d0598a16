using System.ComponentModel;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.CompilerServices;

/// <summary>
/// Zero tensors for generated code that keeps its tensors from one call to the next (a Forward's state, a gradient's
/// per-thread cache): the previous tensor is cleared and returned when its shape fits, so a training step allocates
/// nothing after the first.
/// </summary>
/// <remarks>
/// The clear is lazy (<see cref="Tensor"/>'s <c>ClearLazily</c>): an adjoint that a product adds into first (the
/// matrix-multiply pullback's <c>Gemm</c> with <c>accumulate: true</c>) is then written once instead of cleared and
/// added into, and any other use writes the zeros first. Generated code takes a tensor's span after assigning it, so no
/// span from before the clear is read.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TensorReuse
{
    /// <summary>A zero tensor shaped like <paramref name="like"/>: <paramref name="previous"/>, cleared, if its shape fits.</summary>
    public static Tensor ZerosLike(Tensor? previous, Tensor like)
    {
        if (previous is not null && previous.HasShapeOf(like))
        {
            previous.ClearLazily();
            return previous;
        }
        return Tensor.ZerosLike(like);
    }

    /// <summary>A zero vector: <paramref name="previous"/>, cleared, if it is one of that length.</summary>
    public static Tensor Zeros(Tensor? previous, int length)
    {
        if (previous is { Rank: 1 } && previous.Length == length)
        {
            previous.ClearLazily();
            return previous;
        }
        return Tensor.Zeros(length);
    }

    /// <summary>A zero matrix: <paramref name="previous"/>, cleared, if it is one of that shape.</summary>
    public static Tensor Zeros(Tensor? previous, int rows, int columns)
    {
        if (previous is { Rank: 2 } && previous.Rows == rows && previous.Columns == columns)
        {
            previous.ClearLazily();
            return previous;
        }
        return Tensor.Zeros(rows, columns);
    }
}
