using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AutoDiffGen.Tensors;

/// <summary>
/// The few vector operations the GEMM micro-kernels need, so one generic kernel serves every vector width. The JIT
/// compiles a separate copy of the kernel for each (struct) implementation and inlines these calls, so the generic
/// kernel runs as fast as one written for a single width.
/// </summary>
/// <typeparam name="TVector">A register's worth of floats: <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> or one float.</typeparam>
internal unsafe interface IGemmVector<TVector>
    where TVector : unmanaged
{
    /// <summary>The floats in one <typeparamref name="TVector"/>.</summary>
    static abstract int Count { get; }

    /// <summary>Reads <see cref="Count"/> floats from <paramref name="source"/> (no alignment needed).</summary>
    static abstract TVector Load(float* source);

    /// <summary>Writes <see cref="Count"/> floats to <paramref name="destination"/>.</summary>
    static abstract void Store(TVector value, float* destination);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary><paramref name="left"/> × <paramref name="right"/> + <paramref name="addend"/>, lane by lane.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    /// <summary><paramref name="left"/> + <paramref name="right"/>, lane by lane.</summary>
    static abstract TVector Add(TVector left, TVector right);
}

/// <summary>AVX-512: 16 floats, fused multiply-add.</summary>
internal readonly unsafe struct Vector512Ops : IGemmVector<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Load(float* source) => Vector512.Load(source);
    public static void Store(Vector512<float> value, float* destination) => value.Store(destination);
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) => Vector512.FusedMultiplyAdd(left, right, addend);
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
}

/// <summary>AVX2 with FMA: 8 floats, fused multiply-add.</summary>
internal readonly unsafe struct Vector256Ops : IGemmVector<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Load(float* source) => Vector256.Load(source);
    public static void Store(Vector256<float> value, float* destination) => value.Store(destination);
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) => Vector256.FusedMultiplyAdd(left, right, addend);
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;
}

/// <summary>SSE with FMA, or Arm64 AdvSimd: 4 floats, fused multiply-add.</summary>
internal readonly unsafe struct Vector128Ops : IGemmVector<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Load(float* source) => Vector128.Load(source);
    public static void Store(Vector128<float> value, float* destination) => value.Store(destination);
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) => Vector128.FusedMultiplyAdd(left, right, addend);
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;
}

/// <summary>
/// The fallback: one float per "vector", a separate multiply and add (a software fused multiply-add would be far
/// slower where the hardware has none).
/// </summary>
internal readonly unsafe struct ScalarOps : IGemmVector<float>
{
    public static int Count => 1;
    public static float Load(float* source) => *source;
    public static void Store(float value, float* destination) => *destination = value;
    public static float Broadcast(float value) => value;
    public static float MultiplyAdd(float left, float right, float addend) => left * right + addend;
    public static float Add(float left, float right) => left + right;
}

/// <summary>A tile height, as a type so that each height gets its own compiled kernel with the unused rows removed.</summary>
internal interface ITileRows
{
    /// <summary>Rows of C in the tile, 1 to <see cref="GemmMicroKernels.MaxRows"/>.</summary>
    static abstract int Count { get; }
}

#pragma warning disable CS1591 // Six one-line tile heights.
internal readonly struct OneRow : ITileRows { public static int Count => 1; }
internal readonly struct TwoRows : ITileRows { public static int Count => 2; }
internal readonly struct ThreeRows : ITileRows { public static int Count => 3; }
internal readonly struct FourRows : ITileRows { public static int Count => 4; }
internal readonly struct FiveRows : ITileRows { public static int Count => 5; }
internal readonly struct SixRows : ITileRows { public static int Count => 6; }
#pragma warning restore CS1591

/// <summary>
/// Where a tile reads its panel of B: already packed, or from B itself (row-major, a row of the panel at a time), storing
/// the panel packed as it goes so that the later tiles of the same panel read it packed. As a type, so that each mode
/// compiles separately and the packed mode carries no trace of the other.
/// </summary>
internal interface IPanelSource
{
    /// <summary>True: read B where it lies and write the packed panel; false: read the packed panel.</summary>
    static abstract bool PacksPanel { get; }
}

#pragma warning disable CS1591 // Two one-line modes.
internal readonly struct PackedPanel : IPanelSource { public static bool PacksPanel => false; }
internal readonly struct PanelPackedOnTheWay : IPanelSource { public static bool PacksPanel => true; }
#pragma warning restore CS1591

/// <summary>
/// The register-tiled inner loops of <see cref="GemmEngine"/>: each computes one tile of C, up to
/// <see cref="MaxRows"/> rows × (2 × <c>TOps.Count</c>) columns, from a strip of A and a packed panel of B, keeping
/// the tile in registers.
/// </summary>
/// <remarks>
/// <para>
/// Every element of a tile is summed the same way, whatever the tile's size or place: start from zero, add
/// A[i, p] × B[p, j] for p in order with one (fused) multiply-add each, then store the sum into C or add it to C.
/// That is what makes results independent of tiling edges and thread counts.
/// </para>
/// <para>
/// The packed B panel holds, for each p, the tile's 2 × Count values of row p of B side by side; a tile whose
/// <c>TSource</c> is <see cref="PanelPackedOnTheWay"/> reads those values from B itself and writes the panel, with the
/// same arithmetic. Each height
/// <c>TRows</c> compiles separately and the JIT drops the code for rows past it, so short tiles at
/// the bottom of C read no row of A that does not exist and waste no arithmetic.
/// </para>
/// </remarks>
internal static unsafe class GemmMicroKernels
{
    /// <summary>
    /// The tallest tile: 6 rows × 2 vectors = 12 accumulators, plus 2 for B and 1 for A, fill 15 of the 16 AVX2
    /// registers; 12 independent sums also hide the 4-cycle latency of two FMA units.
    /// </summary>
    public const int MaxRows = 6;

    /// <summary>
    /// A tile whose strip of A is rows of a row-major matrix: A[r, p] at <paramref name="a"/>[r × <paramref name="aRowStride"/> + p].
    /// </summary>
    /// <param name="a">A[0, 0] of the tile.</param>
    /// <param name="aRowStride">Floats from one row of A to the next.</param>
    /// <param name="bPanel">The packed panel of B, depth × 2 × Count floats; written here when <typeparamref name="TSource"/> packs it.</param>
    /// <param name="bSource">When <typeparamref name="TSource"/> packs the panel: B[0, 0] of the panel in row-major B; otherwise unused.</param>
    /// <param name="bSourceStride">Floats from one row of B to the next (when packing).</param>
    /// <param name="depth">The reduction length of this block.</param>
    /// <param name="c">C[0, 0] of the tile.</param>
    /// <param name="cRowStride">Floats from one row of C to the next.</param>
    /// <param name="overwrite">True: C = sum; false: C += sum.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RowStrip<TVector, TOps, TRows, TSource>(float* a, nint aRowStride, float* bPanel, float* bSource, nint bSourceStride,
        int depth, float* c, nint cRowStride, bool overwrite)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
        where TRows : ITileRows
        where TSource : IPanelSource
    {
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVector c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        PrefetchTile<TRows>(c, cRowStride, 2 * TOps.Count);
        float* a0 = a;
        float* a1 = a0 + aRowStride;
        float* a2 = a1 + aRowStride;
        float* a3 = a2 + aRowStride;
        float* a4 = a3 + aRowStride;
        float* a5 = a4 + aRowStride;
        float* b = bPanel;
        int width = TOps.Count;
        for (nint p = 0; p < depth; p++)
        {
            TVector b0;
            TVector b1;
            if (TSource.PacksPanel)
            {
                b0 = TOps.Load(bSource);
                b1 = TOps.Load(bSource + width);
                PrefetchPanelRow(bSource + PackingPrefetchRows * bSourceStride, 2 * width);
                bSource += bSourceStride;
                TOps.Store(b0, b);
                TOps.Store(b1, b + width);
            }
            else
            {
                b0 = TOps.Load(b);
                b1 = TOps.Load(b + width);
            }
            b += 2 * width;
            TVector x = TOps.Broadcast(a0[p]);
            c00 = TOps.MultiplyAdd(x, b0, c00);
            c01 = TOps.MultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = TOps.Broadcast(a1[p]);
                c10 = TOps.MultiplyAdd(x, b0, c10);
                c11 = TOps.MultiplyAdd(x, b1, c11);
            }
            if (TRows.Count > 2)
            {
                x = TOps.Broadcast(a2[p]);
                c20 = TOps.MultiplyAdd(x, b0, c20);
                c21 = TOps.MultiplyAdd(x, b1, c21);
            }
            if (TRows.Count > 3)
            {
                x = TOps.Broadcast(a3[p]);
                c30 = TOps.MultiplyAdd(x, b0, c30);
                c31 = TOps.MultiplyAdd(x, b1, c31);
            }
            if (TRows.Count > 4)
            {
                x = TOps.Broadcast(a4[p]);
                c40 = TOps.MultiplyAdd(x, b0, c40);
                c41 = TOps.MultiplyAdd(x, b1, c41);
            }
            if (TRows.Count > 5)
            {
                x = TOps.Broadcast(a5[p]);
                c50 = TOps.MultiplyAdd(x, b0, c50);
                c51 = TOps.MultiplyAdd(x, b1, c51);
            }
        }
        WriteTile<TVector, TOps, TRows>(c, cRowStride, overwrite, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>
    /// A tile whose strip of A stores the values of each p side by side: A[r, p] at <paramref name="a"/>[p × <paramref name="aDepthStride"/> + r].
    /// These are the columns of a matrix used transposed (stride = its row length).
    /// </summary>
    /// <param name="a">A[0, 0] of the tile.</param>
    /// <param name="aDepthStride">Floats from one p to the next.</param>
    /// <param name="bPanel">The packed panel of B, depth × 2 × Count floats; written here when <typeparamref name="TSource"/> packs it.</param>
    /// <param name="bSource">When <typeparamref name="TSource"/> packs the panel: B[0, 0] of the panel in row-major B; otherwise unused.</param>
    /// <param name="bSourceStride">Floats from one row of B to the next (when packing).</param>
    /// <param name="depth">The reduction length of this block.</param>
    /// <param name="c">C[0, 0] of the tile.</param>
    /// <param name="cRowStride">Floats from one row of C to the next.</param>
    /// <param name="overwrite">True: C = sum; false: C += sum.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnStrip<TVector, TOps, TRows, TSource>(float* a, nint aDepthStride, float* bPanel, float* bSource, nint bSourceStride,
        int depth, float* c, nint cRowStride, bool overwrite)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
        where TRows : ITileRows
        where TSource : IPanelSource
    {
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVector c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        PrefetchTile<TRows>(c, cRowStride, 2 * TOps.Count);
        float* b = bPanel;
        int width = TOps.Count;
        for (int p = 0; p < depth; p++)
        {
            TVector b0;
            TVector b1;
            if (TSource.PacksPanel)
            {
                b0 = TOps.Load(bSource);
                b1 = TOps.Load(bSource + width);
                PrefetchPanelRow(bSource + PackingPrefetchRows * bSourceStride, 2 * width);
                bSource += bSourceStride;
                TOps.Store(b0, b);
                TOps.Store(b1, b + width);
            }
            else
            {
                b0 = TOps.Load(b);
                b1 = TOps.Load(b + width);
            }
            b += 2 * width;
            TVector x = TOps.Broadcast(a[0]);
            c00 = TOps.MultiplyAdd(x, b0, c00);
            c01 = TOps.MultiplyAdd(x, b1, c01);
            if (TRows.Count > 1)
            {
                x = TOps.Broadcast(a[1]);
                c10 = TOps.MultiplyAdd(x, b0, c10);
                c11 = TOps.MultiplyAdd(x, b1, c11);
            }
            if (TRows.Count > 2)
            {
                x = TOps.Broadcast(a[2]);
                c20 = TOps.MultiplyAdd(x, b0, c20);
                c21 = TOps.MultiplyAdd(x, b1, c21);
            }
            if (TRows.Count > 3)
            {
                x = TOps.Broadcast(a[3]);
                c30 = TOps.MultiplyAdd(x, b0, c30);
                c31 = TOps.MultiplyAdd(x, b1, c31);
            }
            if (TRows.Count > 4)
            {
                x = TOps.Broadcast(a[4]);
                c40 = TOps.MultiplyAdd(x, b0, c40);
                c41 = TOps.MultiplyAdd(x, b1, c41);
            }
            if (TRows.Count > 5)
            {
                x = TOps.Broadcast(a[5]);
                c50 = TOps.MultiplyAdd(x, b0, c50);
                c51 = TOps.MultiplyAdd(x, b1, c51);
            }
            a += aDepthStride;
        }
        WriteTile<TVector, TOps, TRows>(c, cRowStride, overwrite, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>
    /// How many rows of B ahead a packing tile asks for: B's rows are far apart (a page apart for n = 1024), and the
    /// hardware prefetcher stops at page boundaries. Measured on Zen 3 with one row tile (every tile packs): 8 rows ran
    /// about 6% faster than none; 16 to 64 rows were no faster than 8.
    /// </summary>
    private const int PackingPrefetchRows = 8;

    /// <summary>Asks for both ends of a panel row of B (it may straddle two cache lines). A hint: x86 only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchPanelRow(float* row, int rowWidth)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + rowWidth - 1);
        }
    }

    /// <summary>
    /// Asks for the tile's rows of C (each may straddle one more cache line than it fills) to be brought into cache while the sums are
    /// computed, so that adding to C, or writing it, does not wait for memory at the end. A hint: x86 only, no effect elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile<TRows>(float* c, nint cRowStride, int rowWidth)
        where TRows : ITileRows
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        // Unrolled by hand: the JIT keeps a loop here, which costs more than the prefetches on a short reduction.
        PrefetchRow(c, rowWidth);
        if (TRows.Count > 1)
        {
            PrefetchRow(c + cRowStride, rowWidth);
        }
        if (TRows.Count > 2)
        {
            PrefetchRow(c + 2 * cRowStride, rowWidth);
        }
        if (TRows.Count > 3)
        {
            PrefetchRow(c + 3 * cRowStride, rowWidth);
        }
        if (TRows.Count > 4)
        {
            PrefetchRow(c + 4 * cRowStride, rowWidth);
        }
        if (TRows.Count > 5)
        {
            PrefetchRow(c + 5 * cRowStride, rowWidth);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRow(float* row, int rowWidth)
    {
        for (int offset = 0; offset < rowWidth; offset += 16)
        {
            Sse.Prefetch0(row + offset);
        }
        Sse.Prefetch0(row + rowWidth - 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteTile<TVector, TOps, TRows>(float* c, nint cRowStride, bool overwrite,
        TVector c00, TVector c01, TVector c10, TVector c11, TVector c20, TVector c21,
        TVector c30, TVector c31, TVector c40, TVector c41, TVector c50, TVector c51)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
        where TRows : ITileRows
    {
        WriteRow<TVector, TOps>(c, overwrite, c00, c01);
        if (TRows.Count > 1)
        {
            WriteRow<TVector, TOps>(c + cRowStride, overwrite, c10, c11);
        }
        if (TRows.Count > 2)
        {
            WriteRow<TVector, TOps>(c + 2 * cRowStride, overwrite, c20, c21);
        }
        if (TRows.Count > 3)
        {
            WriteRow<TVector, TOps>(c + 3 * cRowStride, overwrite, c30, c31);
        }
        if (TRows.Count > 4)
        {
            WriteRow<TVector, TOps>(c + 4 * cRowStride, overwrite, c40, c41);
        }
        if (TRows.Count > 5)
        {
            WriteRow<TVector, TOps>(c + 5 * cRowStride, overwrite, c50, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteRow<TVector, TOps>(float* c, bool overwrite, TVector left, TVector right)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        float* cRight = c + TOps.Count;
        if (!overwrite)
        {
            left = TOps.Add(TOps.Load(c), left);
            right = TOps.Add(TOps.Load(cRight), right);
        }
        TOps.Store(left, c);
        TOps.Store(right, cRight);
    }
}
