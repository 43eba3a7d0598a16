using System;

namespace AutoDiffGen.Tensors;

/// <summary>
/// Tensor primitives that [Differentiable] code calls, each with a hand-written pullback registered through
/// <see cref="DerivativeOfAttribute"/>.
/// </summary>
public static partial class TensorOps
{
    /// <summary>The matrix product a · b as a new [a.Rows, b.Columns] matrix; a vector counts as one row.</summary>
    /// <param name="a">The left factor, m × k.</param>
    /// <param name="b">The right factor, k × n.</param>
    /// <exception cref="ArgumentException">a's columns differ from b's rows; the message names both shapes.</exception>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        (int m, _, int n) = Gemm.ProductShape(GemmLayout.AB, nameof(MatMul), a, b);
        Tensor product = Tensor.Zeros(m, n);
        Gemm.AB(a, b, product, accumulate: false);
        return product;
    }

    /// <summary>
    /// The matrix product a · b written into <paramref name="destination"/> when it is an [a.Rows, b.Columns] matrix,
    /// else into a new one; returns the matrix written. Generated code that keeps its tensors between calls uses it in
    /// place of <see cref="MatMul"/>, so that a training step allocates nothing.
    /// </summary>
    /// <param name="a">The left factor, m × k.</param>
    /// <param name="b">The right factor, k × n.</param>
    /// <param name="destination">The previous product, reused when its shape fits; or null.</param>
    public static Tensor MatMulInto(Tensor a, Tensor b, Tensor? destination)
    {
        (int m, _, int n) = Gemm.ProductShape(GemmLayout.AB, nameof(MatMul), a, b);
        Tensor product = destination is { Rank: 2 } && destination.Rows == m && destination.Columns == n ? destination : Tensor.Zeros(m, n);
        Gemm.AB(a, b, product, accumulate: false);
        return product;
    }

    /// <summary>
    /// The pullback of <see cref="MatMul"/>: for C = A·B it adds seed·Bᵀ to <paramref name="dA"/> and Aᵀ·seed to
    /// <paramref name="dB"/>. A null adjoint is not needed and its product is skipped, which is how a network avoids the
    /// gradient with respect to its input.
    /// </summary>
    /// <param name="a">The primal left factor, m × k.</param>
    /// <param name="b">The primal right factor, k × n.</param>
    /// <param name="seed">The adjoint of the product, m × n.</param>
    /// <param name="dA">The adjoint of <paramref name="a"/> (its shape), or null.</param>
    /// <param name="dB">The adjoint of <paramref name="b"/> (its shape), or null.</param>
    /// <exception cref="ArgumentException">A shape does not fit; the message names the shapes involved.</exception>
    [DerivativeOf(typeof(TensorOps), nameof(MatMul))]
    public static void MatMulPullback(Tensor a, Tensor b, Tensor seed, Tensor? dA, Tensor? dB)
    {
        (int m, _, int n) = Gemm.ProductShape(GemmLayout.AB, nameof(MatMulPullback), a, b);
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Rows != m || seed.Columns != n)
        {
            throw new ArgumentException(
                $"{nameof(MatMulPullback)}: seed has shape {seed.ShapeText} but A has shape {a.ShapeText} and B has shape {b.ShapeText}, so the seed must be [{m}, {n}].",
                nameof(seed));
        }
        RequireAdjointShape(dA, a, nameof(dA), "A");
        RequireAdjointShape(dB, b, nameof(dB), "B");
        if (dA is not null)
        {
            Gemm.ABt(seed, b, dA, accumulate: true);   // dA (m × k) += seed (m × n) · Bᵀ, B being k × n
        }
        if (dB is not null)
        {
            Gemm.AtB(a, seed, dB, accumulate: true);   // dB (k × n) += Aᵀ · seed, A being m × k
        }
    }

    private static void RequireAdjointShape(Tensor? adjoint, Tensor primal, string adjointName, string primalName)
    {
        // Same rows and columns is enough: a [n] vector and a [1, n] matrix hold the same row.
        if (adjoint is not null && (adjoint.Rows != primal.Rows || adjoint.Columns != primal.Columns))
        {
            throw new ArgumentException(
                $"{nameof(MatMulPullback)}: {adjointName} has shape {adjoint.ShapeText} but {primalName} has shape {primal.ShapeText}; an adjoint must have its primal's shape.",
                adjointName);
        }
    }
}
