using System;
using System.Collections.Generic;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.Tensors;

/// <summary>
/// Gemm in all three layouts against a naive double-precision reference, on shapes that straddle every tile and block
/// edge; bit-identical results for every thread count; shape checks whose messages name the shapes; and the MatMul pullback.
/// </summary>
public class GemmTests
{
    /// <summary>
    /// (m, k, n): tiny, odd, exact tiles (6 × 16), one past a tile, bottoms that end in tiles of 3 + 4 or 4 + 4 rows,
    /// past the 1024-deep and 128-wide blocks, and past the 144-row block with whole panels only (the tiles of later
    /// row blocks read the panels the first block's tiles packed) or with a narrow last panel of 10 columns.
    /// </summary>
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 1, 7, 3 },
        { 3, 1, 7 },
        { 7, 17, 33 },
        { 17, 33, 65 },
        { 33, 65, 17 },
        { 6, 16, 16 },
        { 12, 256, 32 },
        { 13, 257, 35 },
        { 65, 129, 7 },
        { 129, 3, 65 },
        { 5, 513, 17 },
        { 2, 9, 1025 },
        { 128, 40, 48 },
        { 129, 300, 129 },
        { 513, 33, 65 },
        { 7, 2100, 33 },
        { 300, 50, 256 },
        { 150, 1100, 10 },
    };

    // GemmLayout and GemmKernel are internal, so theories name them as text.
    public static TheoryData<string, bool> LayoutsAndModes => new()
    {
        { "AB", false },
        { "AB", true },
        { "ABt", false },
        { "ABt", true },
        { "AtB", false },
        { "AtB", true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_layout_matches_the_naive_product_stored_or_accumulated(int m, int k, int n)
    {
        foreach (GemmLayout layout in Enum.GetValues<GemmLayout>())
        {
            foreach (bool accumulate in new[] { false, true })
            {
                var random = new Random(HashCode.Combine(m, k, n, layout, accumulate) & 0xFFFF);
                float[] a = RandomFloats(random, m * k);
                float[] b = RandomFloats(random, k * n);
                float[] c = RandomFloats(random, m * n);
                float[] before = (float[])c.Clone();

                Gemm.Multiply(layout, a, b, c, m, k, n, accumulate, maxThreads: 2, GemmKernel.Automatic);

                AssertMatchesReference(layout, a, b, before, c, m, k, n, accumulate, $"{layout} {m}×{k}×{n} accumulate={accumulate}");
            }
        }
    }

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]   // emulated in software where AVX-512 is missing: slow, but the results are the same
    public void Every_kernel_matches_the_naive_product_on_odd_shapes(string kernelName)
    {
        GemmKernel kernel = Enum.Parse<GemmKernel>(kernelName);
        var random = new Random(17);
        foreach ((int m, int k, int n) in new[] { (1, 1, 1), (7, 17, 33), (13, 257, 35), (20, 40, 70) })
        {
            foreach (GemmLayout layout in Enum.GetValues<GemmLayout>())
            {
                float[] a = RandomFloats(random, m * k);
                float[] b = RandomFloats(random, k * n);
                float[] c = RandomFloats(random, m * n);
                float[] before = (float[])c.Clone();

                Gemm.Multiply(layout, a, b, c, m, k, n, accumulate: true, maxThreads: 1, kernel);

                AssertMatchesReference(layout, a, b, before, c, m, k, n, accumulate: true, $"{kernel} {layout} {m}×{k}×{n}");
            }
        }
    }

    [Fact]
    public void Vector_kernels_of_every_width_give_the_same_bits()
    {
        // Each element is summed the same way (from zero, one fused multiply-add per term, in order) whatever the tile width.
        var random = new Random(5);
        const int m = 23, k = 300, n = 45;
        foreach (GemmLayout layout in Enum.GetValues<GemmLayout>())
        {
            float[] a = RandomFloats(random, m * k);
            float[] b = RandomFloats(random, k * n);
            float[] expected = Product(layout, a, b, m, k, n, maxThreads: 1, GemmKernel.Vector128);
            Assert.Equal(expected, Product(layout, a, b, m, k, n, maxThreads: 1, GemmKernel.Vector256));
            Assert.Equal(expected, Product(layout, a, b, m, k, n, maxThreads: 1, GemmKernel.Vector512));
        }
    }

    [Theory]
    [MemberData(nameof(LayoutsAndModes))]
    public void Results_are_bit_identical_for_any_thread_count(string layoutName, bool accumulate)
    {
        GemmLayout layout = Enum.Parse<GemmLayout>(layoutName);
        // Shapes big enough to be split: many column panels (split by columns), few columns (split by rows, so each
        // item's first tiles pack B's one whole panel), and a reduction long enough to be summed in chunks.
        foreach ((int m, int k, int n) in new[] { (97, 700, 203), (1001, 300, 10), (40, 2100, 100), (500, 200, 16) })
        {
            var random = new Random(m + k + n);
            float[] a = RandomFloats(random, m * k);
            float[] b = RandomFloats(random, k * n);
            float[] initial = RandomFloats(random, m * n);
            float[] oneThread = (float[])initial.Clone();
            Gemm.Multiply(layout, a, b, oneThread, m, k, n, accumulate, maxThreads: 1, GemmKernel.Automatic);
            foreach (int threads in new[] { 2, 3, 8 })
            {
                float[] manyThreads = (float[])initial.Clone();
                Gemm.Multiply(layout, a, b, manyThreads, m, k, n, accumulate, threads, GemmKernel.Automatic);
                Assert.Equal(oneThread, manyThreads);
            }
        }
    }

    [Fact]
    public void Work_is_split_only_along_rows_or_columns_and_in_whole_tiles()
    {
        foreach ((int m, int k, int n) in new[] { (128, 784, 512), (784, 128, 512), (1001, 300, 10), (60, 4000, 16) })
        {
            GemmEngine.WorkSplit split = GemmEngine.WorkSplit.For(m, k, n, GemmEngine.BestKernel, maxThreads: 2);

            Assert.Equal(2, split.Threads);
            Assert.True(split.RowChunks == 1 || split.ColumnChunks == 1, $"{m}×{k}×{n} split both ways: {split}");
            Assert.Equal(0, split.RowChunk % GemmMicroKernels.MaxRows);
            Assert.Equal(0, split.ColumnChunk % GemmEngine.PanelWidth(GemmEngine.BestKernel));
            Assert.True(split.RowChunk * split.RowChunks >= m && split.ColumnChunk * split.ColumnChunks >= n);
        }
    }

    [Fact]
    public void Small_products_stay_on_the_calling_thread()
    {
        Assert.Equal(1, GemmEngine.WorkSplit.For(128, 10, 512, GemmEngine.BestKernel, maxThreads: 8).Threads);
    }

    [Fact]
    public void An_empty_reduction_clears_or_keeps_C()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.AB([], [], c, 2, 0, 3, accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        Gemm.AB([], [], c, 2, 0, 3, accumulate: false);
        Assert.Equal(new float[6], c);
    }

    [Fact]
    public void Tensor_overloads_treat_vectors_as_rows()
    {
        Tensor x = Tensor.FromArray([1, 2, 3]);
        Tensor w = Tensor.FromArray(3, 2, [1, 0, 0, 1, 1, 1]);
        Tensor y = Tensor.Zeros(2);

        Gemm.AB(x, w, y, accumulate: false);
        Assert.Equal([4f, 5], y.AsSpan().ToArray());

        Gemm.ABt(y, w, x, accumulate: true);   // x += y · wᵀ = [1, 2, 3] + [4, 5, 9]
        Assert.Equal([5f, 7, 12], x.AsSpan().ToArray());

        Tensor outer = Tensor.Zeros(2, 3);
        Gemm.AtB(y, Tensor.FromArray([1, 2, 3]), outer, accumulate: false);   // [4, 5]ᵀ · [1, 2, 3]
        Assert.Equal([4f, 8, 12, 5, 10, 15], outer.AsSpan().ToArray());
    }

    [Fact]
    public void MatMul_returns_a_new_product_matrix()
    {
        Tensor a = Tensor.FromArray(2, 3, [1, 2, 3, 4, 5, 6]);
        Tensor b = Tensor.FromArray(3, 2, [7, 8, 9, 10, 11, 12]);

        Tensor c = TensorOps.MatMul(a, b);

        Assert.Equal("[2, 2]", c.ShapeText);
        Assert.Equal([58f, 64, 139, 154], c.AsSpan().ToArray());
    }

    [Fact]
    public void Mismatched_shapes_are_reported_with_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => TensorOps.MatMul(Tensor.Zeros(128, 784), Tensor.Zeros(500, 512)));
        Assert.StartsWith("MatMul: A has shape [128, 784] but B has shape [500, 512]; A's columns must equal B's rows", error.Message);

        error = Assert.Throws<ArgumentException>(() => Gemm.ABt(Tensor.Zeros(4, 3), Tensor.Zeros(5, 2), Tensor.Zeros(4, 5), accumulate: false));
        Assert.StartsWith("Gemm.ABt: A has shape [4, 3] but B has shape [5, 2]; A's columns must equal B's columns", error.Message);

        error = Assert.Throws<ArgumentException>(() => Gemm.AtB(Tensor.Zeros(3, 4), Tensor.Zeros(2, 5), Tensor.Zeros(4, 5), accumulate: false));
        Assert.StartsWith("Gemm.AtB: A has shape [3, 4] but B has shape [2, 5]; A's rows must equal B's rows", error.Message);

        error = Assert.Throws<ArgumentException>(() => Gemm.AB(Tensor.Zeros(4, 3), Tensor.Zeros(3, 5), Tensor.Zeros(5, 4), accumulate: false));
        Assert.StartsWith("Gemm.AB: C has shape [5, 4] but A has shape [4, 3] and B has shape [3, 5], so C must be [4, 5]", error.Message);
    }

    [Fact]
    public void Span_lengths_and_overlap_are_checked()
    {
        var error = Assert.Throws<ArgumentException>(() => Gemm.AtB(new float[12], new float[10], new float[20], 4, 3, 5, accumulate: false));
        Assert.Equal("b", error.ParamName);
        Assert.Contains("B is k × n = 3 × 5 = 15 elements", error.Message);

        float[] shared = new float[16];
        error = Assert.Throws<ArgumentException>(() => Gemm.AB(shared.AsSpan(0, 4), shared.AsSpan(4, 4), shared.AsSpan(6, 4), 2, 2, 2, accumulate: false));
        Assert.Equal("c", error.ParamName);

        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.AB([], [], [], -1, 0, 0, accumulate: false));
    }

    [Fact]
    public void MaxThreads_must_be_at_least_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorParallelism.MaxThreads = 0);
        Assert.True(TensorParallelism.MaxThreads >= 1);
    }

    [Fact]
    public void Steady_state_products_allocate_nothing_on_the_calling_thread()
    {
        var random = new Random(3);
        Tensor a = Tensor.FromArray(64, 300, RandomFloats(random, 64 * 300));
        Tensor b = Tensor.FromArray(300, 200, RandomFloats(random, 300 * 200));
        Tensor c = Tensor.Zeros(64, 200);
        foreach (int threads in new[] { 1, 2 })
        {
            // Warm-up: the first calls allocate once (per-thread scratch, the reusable job, tiered JIT); later calls must not.
            for (int i = 0; i < 100; i++)
            {
                Gemm.Multiply(GemmLayout.AB, "test", a, b, c, accumulate: false, threads, GemmKernel.Automatic);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                Gemm.Multiply(GemmLayout.AB, "test", a, b, c, accumulate: false, threads, GemmKernel.Automatic);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 5, 3)]
    [InlineData(33, 17, 65)]
    [InlineData(128, 40, 10)]
    public void MatMul_pullback_adds_seed_times_B_transposed_and_A_transposed_times_seed(int m, int k, int n)
    {
        var random = new Random(m * 31 + n);
        Tensor a = Tensor.FromArray(m, k, RandomFloats(random, m * k));
        Tensor b = Tensor.FromArray(k, n, RandomFloats(random, k * n));
        Tensor seed = Tensor.FromArray(m, n, RandomFloats(random, m * n));
        Tensor dA = Tensor.FromArray(m, k, RandomFloats(random, m * k));
        Tensor dB = Tensor.FromArray(k, n, RandomFloats(random, k * n));
        float[] dABefore = dA.AsSpan().ToArray();
        float[] dBBefore = dB.AsSpan().ToArray();

        TensorOps.MatMulPullback(a, b, seed, dA, dB);

        // dA (m × k) += seed (m × n) · Bᵀ: ABt with B (k × n) as the n × k operand. dB (k × n) += Aᵀ · seed: AtB.
        AssertMatchesReference(GemmLayout.ABt, seed.AsSpan().ToArray(), b.AsSpan().ToArray(), dABefore, dA.AsSpan().ToArray(), m, n, k, true, "dA");
        AssertMatchesReference(GemmLayout.AtB, a.AsSpan().ToArray(), seed.AsSpan().ToArray(), dBBefore, dB.AsSpan().ToArray(), k, m, n, true, "dB");
    }

    [Fact]
    public void MatMul_pullback_skips_a_null_adjoint()
    {
        var random = new Random(11);
        Tensor a = Tensor.FromArray(4, 3, RandomFloats(random, 12));
        Tensor b = Tensor.FromArray(3, 5, RandomFloats(random, 15));
        Tensor seed = Tensor.FromArray(4, 5, RandomFloats(random, 20));
        Tensor dA = Tensor.Zeros(4, 3);
        Tensor dB = Tensor.Zeros(3, 5);

        TensorOps.MatMulPullback(a, b, seed, dA: null, dB);
        Tensor expectedDB = Tensor.Zeros(3, 5);
        Gemm.AtB(a, seed, expectedDB, accumulate: false);
        Assert.Equal(expectedDB.AsSpan().ToArray(), dB.AsSpan().ToArray());

        TensorOps.MatMulPullback(a, b, seed, dA, dB: null);
        Tensor expectedDA = Tensor.Zeros(4, 3);
        Gemm.ABt(seed, b, expectedDA, accumulate: false);
        Assert.Equal(expectedDA.AsSpan().ToArray(), dA.AsSpan().ToArray());
        Assert.Equal(expectedDB.AsSpan().ToArray(), dB.AsSpan().ToArray());   // untouched by the second call

        TensorOps.MatMulPullback(a, b, seed, dA: null, dB: null);   // nothing needed, nothing done
    }

    [Fact]
    public void MatMul_pullback_checks_the_seed_and_adjoint_shapes()
    {
        Tensor a = Tensor.Zeros(4, 3);
        Tensor b = Tensor.Zeros(3, 5);

        var error = Assert.Throws<ArgumentException>(() => TensorOps.MatMulPullback(a, b, Tensor.Zeros(5, 4), null, null));
        Assert.StartsWith("MatMulPullback: seed has shape [5, 4] but A has shape [4, 3] and B has shape [3, 5], so the seed must be [4, 5]", error.Message);

        error = Assert.Throws<ArgumentException>(() => TensorOps.MatMulPullback(a, b, Tensor.Zeros(4, 5), Tensor.Zeros(3, 4), null));
        Assert.StartsWith("MatMulPullback: dA has shape [3, 4] but A has shape [4, 3]", error.Message);

        error = Assert.Throws<ArgumentException>(() => TensorOps.MatMulPullback(a, b, Tensor.Zeros(4, 5), null, Tensor.Zeros(15)));
        Assert.StartsWith("MatMulPullback: dB has shape [15] but B has shape [3, 5]", error.Message);

        error = Assert.Throws<ArgumentException>(() => TensorOps.MatMulPullback(a, Tensor.Zeros(4, 5), Tensor.Zeros(4, 5), null, null));
        Assert.StartsWith("MatMulPullback: A has shape [4, 3] but B has shape [4, 5]", error.Message);
    }

    private static float[] Product(GemmLayout layout, float[] a, float[] b, int m, int k, int n, int maxThreads, GemmKernel kernel)
    {
        float[] c = new float[m * n];
        Gemm.Multiply(layout, a, b, c, m, k, n, accumulate: false, maxThreads, kernel);
        return c;
    }

    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(2 * random.NextDouble() - 1);
        }
        return values;
    }

    /// <summary>
    /// Checks C against C0 (if accumulating) + op(A)·op(B) summed in double. Each element may differ by 1e-4 of the sum
    /// of its terms' magnitudes: float rounding stays far below that, while one wrong or missing term (about 0.25) does not.
    /// </summary>
    private static void AssertMatchesReference(GemmLayout layout, float[] a, float[] b, float[] initialC, float[] c,
        int m, int k, int n, bool accumulate, string what)
    {
        var failures = new List<string>();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? initialC[i * n + j] : 0;
                double magnitude = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double left = layout == GemmLayout.AtB ? a[p * m + i] : a[i * k + p];
                    double right = layout == GemmLayout.ABt ? b[j * k + p] : b[p * n + j];
                    sum += left * right;
                    magnitude += Math.Abs(left * right);
                }
                double error = Math.Abs(c[i * n + j] - sum);
                if (!(error <= 1e-4 * magnitude + 1e-7) && failures.Count < 5)
                {
                    failures.Add($"C[{i}, {j}] = {c[i * n + j]}, expected {sum}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{what}: {string.Join("; ", failures)}");
    }
}
