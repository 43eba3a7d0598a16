using System.ComponentModel;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.CompilerServices;

/// <summary>
/// Clears the tensor adjoints of a generated <c>Gradient</c> lazily: <see cref="Start"/> makes an adjoint zero without
/// writing it, so that the product that first adds into it (<see cref="Gemm"/> with <c>accumulate: true</c>, as in
/// <see cref="TensorOps.MatMulPullback"/>) writes it in one pass instead of after a clear. Any other use of the tensor
/// clears it first, so the values are those of a clear. For generated code; not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LazyClear
{
    /// <summary>Makes <paramref name="adjoint"/> zero, writing it only when it is next used; null is skipped.</summary>
    public static void Start(Tensor? adjoint) => adjoint?.ClearLazily();

    /// <summary>
    /// Writes the zeros of a <see cref="Start"/> that nothing has used since (an adjoint that got no contribution), so
    /// that a span the caller took before the call sees them; null is skipped.
    /// </summary>
    public static void Finish(Tensor? adjoint)
    {
        if (adjoint is not null && adjoint.TakePendingClear())
        {
            adjoint.Clear();
        }
    }
}
