using System;

namespace AutoDiffGen.Tensors;

/// <summary>
/// Dense float32 matrix products (GEMM) in the three forms a dense layer's forward and backward passes need:
/// C = A·B, C = A·Bᵀ and C = Aᵀ·B, each either stored into C or added to it.
/// </summary>
/// <remarks>
/// <para>
/// All matrices are row-major; a transposed operand is read in place, never copied out first. The work is
/// cache-blocked and vectorised (AVX-512 or AVX2 with FMA where available) and split across up to
/// <see cref="TensorParallelism.MaxThreads"/> threads. Results are bit-identical for every thread count.
/// </para>
/// <para>
/// C must not overlap A or B. Tensor overloads treat a vector of length n as a 1 × n row and check all three shapes;
/// span overloads check that each span holds exactly the elements its dimensions describe.
/// </para>
/// </remarks>
public static class Gemm
{
    /// <summary>C (m × n) = A (m × k) · B (k × n), or C += A · B when <paramref name="accumulate"/> is true.</summary>
    /// <param name="a">A, m × k, row-major.</param>
    /// <param name="b">B, k × n, row-major.</param>
    /// <param name="c">C, m × n, row-major.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="k">Columns of A, rows of B: the length of each sum.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="accumulate">False: overwrite C with the product; true: add the product to C.</param>
    /// <exception cref="ArgumentException">A span's length does not match its dimensions, or C overlaps A or B.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public static void AB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate) =>
        Multiply(GemmLayout.AB, a, b, c, m, k, n, accumulate, TensorParallelism.ThreadsForThisCall, GemmKernel.Automatic);

    /// <summary>C (m × n) = A (m × k) · Bᵀ where B is n × k, or C += A · Bᵀ when <paramref name="accumulate"/> is true.</summary>
    /// <param name="a">A, m × k, row-major.</param>
    /// <param name="b">B, n × k, row-major (so each row of B is a column of Bᵀ).</param>
    /// <param name="c">C, m × n, row-major.</param>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="k">Columns of A and of B: the length of each sum.</param>
    /// <param name="n">Rows of B, columns of C.</param>
    /// <param name="accumulate">False: overwrite C with the product; true: add the product to C.</param>
    /// <exception cref="ArgumentException">A span's length does not match its dimensions, or C overlaps A or B.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public static void ABt(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate) =>
        Multiply(GemmLayout.ABt, a, b, c, m, k, n, accumulate, TensorParallelism.ThreadsForThisCall, GemmKernel.Automatic);

    /// <summary>C (m × n) = Aᵀ · B where A is k × m and B is k × n, or C += Aᵀ · B when <paramref name="accumulate"/> is true.</summary>
    /// <param name="a">A, k × m, row-major (so each column of A is a row of Aᵀ).</param>
    /// <param name="b">B, k × n, row-major.</param>
    /// <param name="c">C, m × n, row-major.</param>
    /// <param name="m">Columns of A, rows of C.</param>
    /// <param name="k">Rows of A and of B: the length of each sum.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="accumulate">False: overwrite C with the product; true: add the product to C.</param>
    /// <exception cref="ArgumentException">A span's length does not match its dimensions, or C overlaps A or B.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    public static void AtB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate) =>
        Multiply(GemmLayout.AtB, a, b, c, m, k, n, accumulate, TensorParallelism.ThreadsForThisCall, GemmKernel.Automatic);

    /// <summary>C = A · B, or C += A · B when <paramref name="accumulate"/> is true; A is m × k, B is k × n, C is m × n.</summary>
    /// <param name="a">A; a vector is one row.</param>
    /// <param name="b">B; a vector is one row.</param>
    /// <param name="c">C; a vector is one row.</param>
    /// <param name="accumulate">False: overwrite C with the product; true: add the product to C.</param>
    /// <exception cref="ArgumentException">The shapes do not fit (the message names them), or C is A or B.</exception>
    public static void AB(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        Multiply(GemmLayout.AB, "Gemm.AB", a, b, c, accumulate, TensorParallelism.ThreadsForThisCall, GemmKernel.Automatic);

    /// <summary>C = A · Bᵀ, or C += A · Bᵀ when <paramref name="accumulate"/> is true; A is m × k, B is n × k, C is m × n.</summary>
    /// <param name="a">A; a vector is one row.</param>
    /// <param name="b">B; a vector is one row.</param>
    /// <param name="c">C; a vector is one row.</param>
    /// <param name="accumulate">False: overwrite C with the product; true: add the product to C.</param>
    /// <exception cref="ArgumentException">The shapes do not fit (the message names them), or C is A or B.</exception>
    public static void ABt(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        Multiply(GemmLayout.ABt, "Gemm.ABt", a, b, c, accumulate, TensorParallelism.ThreadsForThisCall, GemmKernel.Automatic);

    /// <summary>C = Aᵀ · B, or C += Aᵀ · B when <paramref name="accumulate"/> is true; A is k × m, B is k × n, C is m × n.</summary>
    /// <param name="a">A; a vector is one row.</param>
    /// <param name="b">B; a vector is one row.</param>
    /// <param name="c">C; a vector is one row.</param>
    /// <param name="accumulate">False: overwrite C with the product; true: add the product to C.</param>
    /// <exception cref="ArgumentException">The shapes do not fit (the message names them), or C is A or B.</exception>
    public static void AtB(Tensor a, Tensor b, Tensor c, bool accumulate) =>
        Multiply(GemmLayout.AtB, "Gemm.AtB", a, b, c, accumulate, TensorParallelism.ThreadsForThisCall, GemmKernel.Automatic);

    /// <summary>The tensor entry point with the thread limit and kernel explicit, for tests and the other tensor operations.</summary>
    internal static void Multiply(GemmLayout layout, string operation, Tensor a, Tensor b, Tensor c, bool accumulate, int maxThreads, GemmKernel kernel)
    {
        (int m, int k, int n) = ProductShape(layout, operation, a, b);
        ArgumentNullException.ThrowIfNull(c);
        if (c.Rows != m || c.Columns != n)
        {
            throw new ArgumentException(
                $"{operation}: C has shape {c.ShapeText} but A has shape {a.ShapeText} and B has shape {b.ShapeText}, so C must be [{m}, {n}].",
                nameof(c));
        }
        ReadOnlySpan<float> aElements = a.AsSpan();
        ReadOnlySpan<float> bElements = b.AsSpan();
        // Every element of C is written, so a pending lazy clear of C is dropped rather than done; C is then zero, so
        // adding the product into it is writing it: one pass over C instead of two.
        bool clearTaken = c.TakePendingClear();
        try
        {
            Multiply(layout, aElements, bElements, c.AsSpan(), m, k, n, accumulate && !clearTaken, maxThreads, kernel);
        }
        catch when (clearTaken)
        {
            c.Clear(); // C must not be left holding what it held before the lazy clear
            throw;
        }
    }

    /// <summary>
    /// The (m, k, n) of op(A) · op(B) for tensors, or an <see cref="ArgumentException"/> naming both shapes when the
    /// reduction lengths differ. A vector counts as one row.
    /// </summary>
    internal static (int M, int K, int N) ProductShape(GemmLayout layout, string operation, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        (int m, int kOfA, string sideOfA) = layout == GemmLayout.AtB ? (a.Columns, a.Rows, "rows") : (a.Rows, a.Columns, "columns");
        (int n, int kOfB, string sideOfB) = layout == GemmLayout.ABt ? (b.Rows, b.Columns, "columns") : (b.Columns, b.Rows, "rows");
        if (kOfA != kOfB)
        {
            throw new ArgumentException(
                $"{operation}: A has shape {a.ShapeText} but B has shape {b.ShapeText}; A's {sideOfA} must equal B's {sideOfB}.",
                nameof(b));
        }
        return (m, kOfA, n);
    }

    /// <summary>The span entry point with the thread limit and kernel explicit, for tests.</summary>
    internal static void Multiply(GemmLayout layout, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool accumulate, int maxThreads, GemmKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        if (layout == GemmLayout.AtB)
        {
            RequireLength(a.Length, nameof(a), "A is k × m", k, m);
        }
        else
        {
            RequireLength(a.Length, nameof(a), "A is m × k", m, k);
        }
        if (layout == GemmLayout.ABt)
        {
            RequireLength(b.Length, nameof(b), "B is n × k", n, k);
        }
        else
        {
            RequireLength(b.Length, nameof(b), "B is k × n", k, n);
        }
        RequireLength(c.Length, nameof(c), "C is m × n", m, n);
        // Overlaps is false for empty spans, so a zero-sized product with empty spans is fine.
        if (c.Overlaps(a) || c.Overlaps(b))
        {
            throw new ArgumentException("C must not overlap A or B: the product reads A and B while it writes C.", nameof(c));
        }
        GemmEngine.Multiply(layout, a, b, c, m, k, n, accumulate, maxThreads, kernel);
    }

    private static void RequireLength(int length, string parameterName, string shape, int rows, int columns)
    {
        long expected = (long)rows * columns;
        if (length != expected)
        {
            throw new ArgumentException($"{shape} = {rows} × {columns} = {expected} elements, but its span has {length}.", parameterName);
        }
    }
}
