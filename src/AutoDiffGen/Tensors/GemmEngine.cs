using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace AutoDiffGen.Tensors;

/// <summary>Where the operands of C (m × n) = op(A) · op(B) sit in memory; all three matrices are row-major.</summary>
internal enum GemmLayout
{
    /// <summary>A is m × k, B is k × n.</summary>
    AB,

    /// <summary>A is m × k, B is n × k and used transposed.</summary>
    ABt,

    /// <summary>A is k × m and used transposed, B is k × n.</summary>
    AtB,
}

/// <summary>Which micro-kernel runs; <see cref="Automatic"/> picks the widest the hardware accelerates. Tests force the others.</summary>
internal enum GemmKernel
{
    /// <summary>The widest accelerated kernel.</summary>
    Automatic,

    /// <summary>One float at a time.</summary>
    Scalar,

    /// <summary>4-float vectors.</summary>
    Vector128,

    /// <summary>8-float vectors (AVX2).</summary>
    Vector256,

    /// <summary>16-float vectors (AVX-512).</summary>
    Vector512,
}

/// <summary>
/// Cache-blocked GEMM in the manner of BLIS/GotoBLAS: B is packed into panels a few columns wide, the register-tiled
/// micro-kernels of <see cref="GemmMicroKernels"/> sweep them, and work is split across threads by blocks of output
/// rows or columns.
/// </summary>
/// <remarks>
/// <para>
/// Loop order for one block of C: the reduction in chunks of at most <see cref="DepthBlock"/>, then columns in chunks
/// of <see cref="ColumnBlock"/> (B's chunk is packed here), then rows in chunks of <see cref="RowBlock"/> (that slice
/// of A is reread for every panel, from L2), then 16-column panels, then 6-row tiles. Long reduction chunks mean few
/// passes over C and few kernel calls per flop; a panel (up to 1024 × 16 floats) then no longer fits L1, but it is read
/// in order and L2 keeps up (measured on Zen 3: 256-deep chunks ran about 5% slower than 784-deep ones, and chunks of
/// 256 with the column loop outside the reduction loop, so that A's slice stays in L2, ran no faster).
/// </para>
/// <para>
/// When B is row-major (A·B, Aᵀ·B), the first tile of each whole panel reads B where it lies and writes the packed
/// panel as it goes, so the copy overlaps the arithmetic instead of being a memory-bound pass of its own; only a last,
/// narrower panel is packed (zero-padded) beforehand. B used transposed (A·Bᵀ) is packed by 8 × 8 transposes first.
/// </para>
/// <para>
/// A is read where it lies, with no packing: its rows for A·B and A·Bᵀ (<see cref="GemmMicroKernels.RowStrip"/>),
/// its columns for Aᵀ·B (<see cref="GemmMicroKernels.ColumnStrip"/>). Tiles at the bottom are shorter rather than
/// padded, so no read goes past the end of A; tiles at the right edge are computed into scratch and the valid part copied.
/// </para>
/// <para>
/// Reproducibility: the reduction is split the same way for every thread count (it depends on k alone) and never
/// across threads, and each tile sums its elements the same way whether it is whole or cut off at an edge, so the
/// result is bit-identical for any thread count.
/// </para>
/// </remarks>
internal static unsafe class GemmEngine
{
    /// <summary>The longest reduction chunk; k is cut into equal chunks no longer than this.</summary>
    internal const int DepthBlock = 1024;

    /// <summary>Rows of C per row block (a multiple of 6).</summary>
    internal const int RowBlock = 144;

    /// <summary>Columns of C per packed B block (a multiple of every panel width): at most 1024 × 128 floats, 512 KB of scratch per thread.</summary>
    internal const int ColumnBlock = 128;

    /// <summary>Below this many floating-point operations per thread, an extra thread costs more than it saves.</summary>
    internal const long MinFlopsPerThread = 3_000_000;

    /// <summary>Work items per thread, so that a thread that starts late or gets preempted does not hold up the rest.</summary>
    private const int ItemsPerThread = 2;

    private static readonly GemmKernel s_bestKernel = PickKernel();

    [ThreadStatic]
    private static GemmScratch? t_scratch;

    /// <summary>The kernel <see cref="GemmKernel.Automatic"/> stands for on this machine.</summary>
    internal static GemmKernel BestKernel => s_bestKernel;

    /// <summary>C (m × n) = op(A) · op(B), or C += it when <paramref name="accumulate"/>; lengths are already checked.</summary>
    public static void Multiply(GemmLayout layout, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool accumulate, int maxThreads, GemmKernel kernel)
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            if (!accumulate)
            {
                c.Clear();
            }
            return;
        }
        if (kernel == GemmKernel.Automatic)
        {
            kernel = s_bestKernel;
        }
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var problem = new GemmProblem(layout, pa, pb, pc, m, k, n, accumulate, kernel);
            WorkSplit split = WorkSplit.For(m, k, n, kernel, maxThreads);
            if (split.Threads == 1)
            {
                problem.Run(0, m, 0, n);
            }
            else
            {
                GemmJob.Run(problem, split);
            }
        }
    }

    private static GemmKernel PickKernel()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return GemmKernel.Vector512;
        }
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
        {
            return GemmKernel.Vector256;
        }
        if (Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.IsSupported))
        {
            return GemmKernel.Vector128;
        }
        return GemmKernel.Scalar;
    }

    /// <summary>Columns of C per micro-kernel tile: two vectors.</summary>
    internal static int PanelWidth(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Vector512 => 2 * Vector512<float>.Count,
        GemmKernel.Vector256 => 2 * Vector256<float>.Count,
        GemmKernel.Vector128 => 2 * Vector128<float>.Count,
        _ => 2,
    };

    /// <summary>One product, by pointer so that pool threads can work on the caller's spans while the caller keeps them pinned.</summary>
    internal readonly struct GemmProblem(GemmLayout layout, float* a, float* b, float* c, int m, int k, int n, bool accumulate, GemmKernel kernel)
    {
        public GemmLayout Layout { get; } = layout;
        public float* A { get; } = a;
        public float* B { get; } = b;
        public float* C { get; } = c;
        public int M { get; } = m;
        public int K { get; } = k;
        public int N { get; } = n;
        public bool Accumulate { get; } = accumulate;
        public GemmKernel Kernel { get; } = kernel;

        /// <summary>Computes rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) × columns [<paramref name="columnStart"/>, <paramref name="columnEnd"/>) of C.</summary>
        public void Run(int rowStart, int rowEnd, int columnStart, int columnEnd)
        {
            GemmScratch scratch = t_scratch ??= new GemmScratch();
            switch (Kernel)
            {
                case GemmKernel.Vector512:
                    RunBlock<Vector512<float>, Vector512Ops>(this, rowStart, rowEnd, columnStart, columnEnd, scratch);
                    break;
                case GemmKernel.Vector256:
                    RunBlock<Vector256<float>, Vector256Ops>(this, rowStart, rowEnd, columnStart, columnEnd, scratch);
                    break;
                case GemmKernel.Vector128:
                    RunBlock<Vector128<float>, Vector128Ops>(this, rowStart, rowEnd, columnStart, columnEnd, scratch);
                    break;
                default:
                    RunBlock<float, ScalarOps>(this, rowStart, rowEnd, columnStart, columnEnd, scratch);
                    break;
            }
        }
    }

    /// <summary>How a product is cut into work items: a grid of row chunks × column chunks, aligned to whole tiles.</summary>
    internal readonly record struct WorkSplit(int Threads, int RowChunk, int RowChunks, int ColumnChunk, int ColumnChunks)
    {
        public int Items => RowChunks * ColumnChunks;

        public static WorkSplit For(int m, int k, int n, GemmKernel kernel, int maxThreads)
        {
            long flops = 2L * m * n * k;
            int threads = (int)Math.Clamp(flops / MinFlopsPerThread, 1, maxThreads);
            if (threads == 1)
            {
                return new WorkSplit(1, m, 1, n, 1);
            }
            int panelWidth = PanelWidth(kernel);
            int columnPanels = DivideRoundingUp(n, panelWidth);
            int rowTiles = DivideRoundingUp(m, GemmMicroKernels.MaxRows);
            int wantedItems = threads * ItemsPerThread;
            int columnChunks;
            int rowChunks;
            if (columnPanels >= threads)
            {
                // Splitting columns packs each column of B once in all; splitting rows would pack all of B per item.
                columnChunks = Math.Min(columnPanels, wantedItems);
                rowChunks = 1;
            }
            else
            {
                columnChunks = 1;
                rowChunks = Math.Min(rowTiles, wantedItems);
            }
            int columnChunk = DivideRoundingUp(columnPanels, columnChunks) * panelWidth;
            int rowChunk = DivideRoundingUp(rowTiles, rowChunks) * GemmMicroKernels.MaxRows;
            columnChunks = DivideRoundingUp(n, columnChunk);
            rowChunks = DivideRoundingUp(m, rowChunk);
            threads = Math.Min(threads, rowChunks * columnChunks);
            return new WorkSplit(threads, rowChunk, rowChunks, columnChunk, columnChunks);
        }
    }

    /// <summary>Runs the items of a <see cref="WorkSplit"/> on pool threads; each calling thread reuses one instance.</summary>
    private sealed class GemmJob : ParallelWork
    {
        [ThreadStatic]
        private static GemmJob? t_job;

        private GemmProblem _problem;
        private WorkSplit _split;

        public static void Run(in GemmProblem problem, in WorkSplit split)
        {
            GemmJob job = t_job ??= new GemmJob();
            // The previous call's helper may be a few instructions from letting go; give it a moment.
            SpinWait spin = default;
            while (job.IsHeld && !spin.NextSpinWillYield)
            {
                spin.SpinOnce();
            }
            if (job.IsHeld)
            {
                // A pool thread queued by the previous call has not even started: the pool is busy or the machine is
                // loaded, so a helper would be late again. Do the work here rather than allocate another job.
                problem.Run(0, problem.M, 0, problem.N);
                return;
            }
            job._problem = problem;
            job._split = split;
            job.RunItems(split.Items, split.Threads);
        }

        protected override void RunItem(int item)
        {
            int rowStart = item / _split.ColumnChunks * _split.RowChunk;
            int columnStart = item % _split.ColumnChunks * _split.ColumnChunk;
            _problem.Run(rowStart, Math.Min(rowStart + _split.RowChunk, _problem.M),
                columnStart, Math.Min(columnStart + _split.ColumnChunk, _problem.N));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock<TVector, TOps>(in GemmProblem problem, int rowStart, int rowEnd, int columnStart, int columnEnd, GemmScratch scratch)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        const int maxTileRows = GemmMicroKernels.MaxRows;
        int panelWidth = 2 * TOps.Count;
        // Equal reduction chunks (1500 = 2 × 750 rather than 1024 + 476); this depends on k alone, never on the split.
        int depthChunks = DivideRoundingUp(problem.K, DepthBlock);
        int depthChunk = DivideRoundingUp(problem.K, depthChunks);
        int columnBlock = Math.Min(ColumnBlock, RoundUp(columnEnd - columnStart, panelWidth));
        float* packedB = scratch.PackedB(depthChunk * columnBlock);
        float* edgeTile = scratch.EdgeTile(maxTileRows * panelWidth);
        // Row-major B is packed by the tiles themselves (see the remarks); B used transposed needs a transpose first.
        bool packOnTheWay = problem.Layout != GemmLayout.ABt;

        for (int p0 = 0; p0 < problem.K; p0 += depthChunk)
        {
            int depth = Math.Min(depthChunk, problem.K - p0);
            bool overwrite = p0 == 0 && !problem.Accumulate;
            for (int j0 = columnStart; j0 < columnEnd; j0 += columnBlock)
            {
                int blockColumns = Math.Min(columnBlock, columnEnd - j0);
                int panels = DivideRoundingUp(blockColumns, panelWidth);
                if (packOnTheWay)
                {
                    PackNarrowLastPanel<TVector, TOps>(problem, p0, depth, j0, blockColumns, packedB);
                }
                else
                {
                    PackTransposedB(problem.B + (nint)j0 * problem.K + p0, problem.K, depth, blockColumns, panelWidth, packedB);
                }
                var block = new PackedBlock(p0, depth, j0, blockColumns, packedB, edgeTile, rowStart, overwrite, packOnTheWay);
                for (int i0 = rowStart; i0 < rowEnd; i0 += RowBlock)
                {
                    int blockRowEnd = Math.Min(i0 + RowBlock, rowEnd);
                    // Each packed panel (up to 64 KB) is read from L2 for every tile of the block's rows, and A from L2 or L3.
                    int rows;
                    for (int panel = 0; panel < panels; panel++)
                    {
                        for (int i = i0; i < blockRowEnd; i += rows)
                        {
                            rows = TileRows(blockRowEnd - i);
                            PanelTile<TVector, TOps>(problem, block, i, rows, panel);
                        }
                    }
                }
            }
        }
    }

    /// <summary>One packed block of B and where it sits in the product: what <see cref="PanelTile"/> needs besides the tile's place.</summary>
    private readonly struct PackedBlock(int p0, int depth, int j0, int columns, float* packed, float* edgeTile, int rowStart, bool overwrite, bool packOnTheWay)
    {
        public int P0 { get; } = p0;
        public int Depth { get; } = depth;
        public int J0 { get; } = j0;
        public int Columns { get; } = columns;
        public float* Packed { get; } = packed;
        public float* EdgeTile { get; } = edgeTile;
        public int RowStart { get; } = rowStart;
        public bool Overwrite { get; } = overwrite;
        public bool PackOnTheWay { get; } = packOnTheWay;
    }

    /// <summary>
    /// The tile of rows [<paramref name="i"/>, i + <paramref name="rows"/>) in panel <paramref name="panel"/> of a block. The
    /// first tile of each whole panel (at the item's first row) packs the panel when B is row-major.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PanelTile<TVector, TOps>(in GemmProblem problem, in PackedBlock block, int i, int rows, int panel)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        int panelWidth = 2 * TOps.Count;
        int n = problem.N;
        float* bPanel = block.Packed + (nint)panel * block.Depth * panelWidth;
        int j = block.J0 + panel * panelWidth;
        int panelColumns = Math.Min(panelWidth, block.J0 + block.Columns - j);
        float* c = problem.C + (nint)i * n + j;
        if (panelColumns == panelWidth)
        {
            float* bSource = block.PackOnTheWay && i == block.RowStart ? problem.B + (nint)block.P0 * n + j : null;
            Tile<TVector, TOps>(problem, i, rows, block.P0, block.Depth, bPanel, bSource, c, n, block.Overwrite);
        }
        else
        {
            // A tile cut off by the right edge goes through scratch, so that no store passes the end of a row.
            Tile<TVector, TOps>(problem, i, rows, block.P0, block.Depth, bPanel, bSource: null, block.EdgeTile, panelWidth, overwrite: true);
            MergeTile<TVector, TOps>(block.EdgeTile, panelWidth, c, n, rows, panelColumns, block.Overwrite);
        }
    }

    /// <summary>
    /// The height of the next tile when <paramref name="remaining"/> rows are left: 6 where possible, but 8 rows as
    /// 4 + 4 (not 6 + 2) and 7 as 3 + 4, because a tile under 4 rows has too few sums to keep both FMA units busy.
    /// </summary>
    private static int TileRows(int remaining) => remaining <= GemmMicroKernels.MaxRows ? remaining
        : remaining - GemmMicroKernels.MaxRows >= 4 ? GemmMicroKernels.MaxRows
        : remaining - 4;

    /// <summary>One tile of <paramref name="rows"/> rows starting at row <paramref name="i"/>, reading A where it lies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TVector, TOps>(in GemmProblem problem, int i, int rows, int p0, int depth, float* bPanel, float* bSource,
        float* c, nint cRowStride, bool overwrite)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        if (bSource != null)
        {
            Tile<TVector, TOps, PanelPackedOnTheWay>(problem, i, rows, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
        }
        else
        {
            Tile<TVector, TOps, PackedPanel>(problem, i, rows, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TVector, TOps, TSource>(in GemmProblem problem, int i, int rows, int p0, int depth, float* bPanel, float* bSource,
        float* c, nint cRowStride, bool overwrite)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
        where TSource : IPanelSource
    {
        switch (rows)
        {
            case 6:
                Tile<TVector, TOps, SixRows, TSource>(problem, i, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
                break;
            case 5:
                Tile<TVector, TOps, FiveRows, TSource>(problem, i, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
                break;
            case 4:
                Tile<TVector, TOps, FourRows, TSource>(problem, i, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
                break;
            case 3:
                Tile<TVector, TOps, ThreeRows, TSource>(problem, i, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
                break;
            case 2:
                Tile<TVector, TOps, TwoRows, TSource>(problem, i, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
                break;
            default:
                Tile<TVector, TOps, OneRow, TSource>(problem, i, p0, depth, bPanel, bSource, c, cRowStride, overwrite);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TVector, TOps, TRows, TSource>(in GemmProblem problem, int i, int p0, int depth, float* bPanel, float* bSource,
        float* c, nint cRowStride, bool overwrite)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
        where TRows : ITileRows
        where TSource : IPanelSource
    {
        if (problem.Layout == GemmLayout.AtB)
        {
            // A is k × m: row i of Aᵀ is column i of A, whose value for p sits at A[p × m + i].
            GemmMicroKernels.ColumnStrip<TVector, TOps, TRows, TSource>(problem.A + (nint)p0 * problem.M + i, problem.M,
                bPanel, bSource, problem.N, depth, c, cRowStride, overwrite);
        }
        else
        {
            GemmMicroKernels.RowStrip<TVector, TOps, TRows, TSource>(problem.A + (nint)i * problem.K + p0, problem.K,
                bPanel, bSource, problem.N, depth, c, cRowStride, overwrite);
        }
    }

    /// <summary>
    /// Row-major B when the tiles pack the whole panels themselves: packs only a last panel narrower than a whole one
    /// (zero-padded), whose tiles go through scratch and read it packed.
    /// </summary>
    private static void PackNarrowLastPanel<TVector, TOps>(in GemmProblem problem, int p0, int depth, int j0, int columns, float* packed)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        int panelWidth = 2 * TOps.Count;
        int wholePanels = columns / panelWidth;
        int done = wholePanels * panelWidth;
        if (done < columns)
        {
            PackLastPanel<TVector, TOps>(problem.B + (nint)p0 * problem.N + j0 + done, problem.N, depth, columns - done,
                packed + (nint)wholePanels * depth * panelWidth);
        }
    }

    /// <summary>Row-major B, the last panel, narrower than a whole one: zero-padded. Whole vectors first, then single floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackLastPanel<TVector, TOps>(float* source, nint sourceRowStride, int depth, int columns, float* packed)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        int width = TOps.Count;
        int panelWidth = 2 * width;
        int vectorColumns = columns / width * width;
        TVector zero = TOps.Broadcast(0f);
        for (int p = 0; p < depth; p++)
        {
            int j = 0;
            for (; j < vectorColumns; j += width)
            {
                TOps.Store(TOps.Load(source + j), packed + j);
            }
            for (; j < panelWidth; j += width)
            {
                TOps.Store(zero, packed + j);
            }
            for (j = vectorColumns; j < columns; j++)
            {
                packed[j] = source[j];
            }
            source += sourceRowStride;
            packed += panelWidth;
        }
    }

    /// <summary>B stored n × k (A·Bᵀ): column j of op(B) is row j of B, so each panel gathers a few rows of B, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposedB(float* source, nint sourceRowStride, int depth, int columns, int panelWidth, float* packed)
    {
        for (int j0 = 0; j0 < columns; j0 += panelWidth)
        {
            int panelColumns = Math.Min(panelWidth, columns - j0);
            int jj = 0;
            if (Avx.IsSupported)
            {
                // Eight rows at a time, transposed in 8 × 8 blocks in registers: far fewer loads and stores than one float at a time.
                for (; jj + 8 <= panelColumns; jj += 8)
                {
                    float* rows = source + (j0 + jj) * sourceRowStride;
                    int p = 0;
                    for (; p + 8 <= depth; p += 8)
                    {
                        Transpose8x8(rows + p, sourceRowStride, packed + p * panelWidth + jj, panelWidth);
                    }
                    for (; p < depth; p++)
                    {
                        for (int r = 0; r < 8; r++)
                        {
                            packed[p * panelWidth + jj + r] = rows[r * sourceRowStride + p];
                        }
                    }
                }
            }
            for (; jj < panelColumns; jj++)
            {
                float* row = source + (j0 + jj) * sourceRowStride;
                for (int p = 0; p < depth; p++)
                {
                    packed[p * panelWidth + jj] = row[p];
                }
            }
            for (; jj < panelWidth; jj++)
            {
                for (int p = 0; p < depth; p++)
                {
                    packed[p * panelWidth + jj] = 0f;
                }
            }
            packed += (nint)depth * panelWidth;
        }
    }

    /// <summary>
    /// Writes the transpose of the 8 × 8 block at <paramref name="source"/> (rows <paramref name="sourceRowStride"/>
    /// apart) to <paramref name="destination"/> (rows <paramref name="destinationRowStride"/> apart), with AVX shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* source, nint sourceRowStride, float* destination, nint destinationRowStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(source);
        Vector256<float> r1 = Avx.LoadVector256(source + sourceRowStride);
        Vector256<float> r2 = Avx.LoadVector256(source + 2 * sourceRowStride);
        Vector256<float> r3 = Avx.LoadVector256(source + 3 * sourceRowStride);
        Vector256<float> r4 = Avx.LoadVector256(source + 4 * sourceRowStride);
        Vector256<float> r5 = Avx.LoadVector256(source + 5 * sourceRowStride);
        Vector256<float> r6 = Avx.LoadVector256(source + 6 * sourceRowStride);
        Vector256<float> r7 = Avx.LoadVector256(source + 7 * sourceRowStride);
        // Interleave pairs of rows: t0 = a0 b0 a1 b1 | a4 b4 a5 b5, t1 = a2 b2 a3 b3 | a6 b6 a7 b7, ...
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);
        // Then quads: s0 = a0 b0 c0 d0 | a4 b4 c4 d4, s1 = a1 b1 c1 d1 | a5 b5 c5 d5, ...
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);
        // Then join the 128-bit halves of rows 0-3 and 4-7: column q of the block becomes row q of the destination.
        Avx.Store(destination, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(destination + destinationRowStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(destination + 2 * destinationRowStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(destination + 3 * destinationRowStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(destination + 4 * destinationRowStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(destination + 5 * destinationRowStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(destination + 6 * destinationRowStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(destination + 7 * destinationRowStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>
    /// Stores or adds the valid corner of an edge tile computed into scratch: whole vectors, then single floats; the
    /// same float operations as a whole tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile<TVector, TOps>(float* tile, int tileRowStride, float* c, nint cRowStride, int rows, int columns, bool overwrite)
        where TVector : unmanaged
        where TOps : IGemmVector<TVector>
    {
        int width = TOps.Count;
        int vectorColumns = columns / width * width;
        for (int r = 0; r < rows; r++)
        {
            float* source = tile + r * tileRowStride;
            float* destination = c + r * cRowStride;
            int j = 0;
            for (; j < vectorColumns; j += width)
            {
                TVector sum = TOps.Load(source + j);
                TOps.Store(overwrite ? sum : TOps.Add(TOps.Load(destination + j), sum), destination + j);
            }
            for (; j < columns; j++)
            {
                destination[j] = overwrite ? source[j] : destination[j] + source[j];
            }
        }
    }

    private static int DivideRoundingUp(int value, int divisor) => value == 0 ? 0 : (value - 1) / divisor + 1;

    private static int RoundUp(int value, int multiple) => DivideRoundingUp(value, multiple) * multiple;

    /// <summary>
    /// One thread's packing buffers, kept for the thread's lifetime so that steady-state calls allocate nothing. They are
    /// pinned (allocated on the pinned heap) and 64-byte aligned, so packed panels load without splitting cache lines.
    /// </summary>
    private sealed class GemmScratch
    {
        private Buffer _packedB;
        private Buffer _edgeTile;

        public float* PackedB(int length) => _packedB.Get(length);

        public float* EdgeTile(int length) => _edgeTile.Get(length);

        private struct Buffer
        {
            private const int Alignment = 64;
            private float[]? _array;
            private float* _start;
            private int _capacity;

            public float* Get(int length)
            {
                if (length > _capacity)
                {
                    int capacity = Math.Max(length, 2 * _capacity);
                    _array = GC.AllocateUninitializedArray<float>(capacity + Alignment / sizeof(float), pinned: true);
                    nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
                    _start = (float*)((address + Alignment - 1) & ~(nint)(Alignment - 1));
                    _capacity = capacity;
                }
                return _start;
            }
        }
    }
}
