using System;
using System.Diagnostics;
using System.Threading;
using AutoDiffGen.CompilerServices;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.Tensors;

/// <summary>
/// A lazily cleared tensor is zero to every use; a product added into it overwrites it (NaN left in its memory would
/// show otherwise); and a generated Gradient's adjoints, cleared lazily, come back exact even when they held NaN.
/// </summary>
public class LazyClearTests
{
    private static Tensor Filled(int rows, int columns, float value)
    {
        Tensor tensor = Tensor.Zeros(rows, columns);
        tensor.AsSpan().Fill(value);
        return tensor;
    }

    private static Tensor LazilyCleared(int rows, int columns)
    {
        Tensor tensor = Filled(rows, columns, float.NaN);
        tensor.ClearLazily();
        return tensor;
    }

    public static TheoryData<string> Uses => new() { "index", "row and column", "span", "row", "copy from", "clone", "text" };

    [Theory]
    [MemberData(nameof(Uses))]
    public void Every_use_of_a_lazily_cleared_tensor_sees_zeros(string use)
    {
        Tensor tensor = LazilyCleared(2, 3);
        float[] seen = use switch
        {
            "index" => [tensor[0], tensor[5]],
            "row and column" => [tensor[0, 0], tensor[1, 2]],
            "span" => tensor.AsSpan().ToArray(),
            "row" => tensor.Row(1).ToArray(),
            "copy from" => CopyOf(tensor),
            "clone" => tensor.Clone().AsSpan().ToArray(),
            _ => [tensor.ToString().Contains("NaN", StringComparison.Ordinal) ? float.NaN : 0f],
        };
        Assert.All(seen, value => Assert.Equal(0f, value));
        Assert.All(tensor.AsSpan().ToArray(), value => Assert.Equal(0f, value));
    }

    private static float[] CopyOf(Tensor tensor)
    {
        Tensor copy = Filled(tensor.Rows, tensor.Columns, 5f);
        tensor.CopyTo(copy);
        return copy.AsSpan().ToArray();
    }

    [Fact]
    public void A_write_to_one_element_leaves_the_others_zero()
    {
        Tensor tensor = LazilyCleared(2, 3);
        tensor[1, 1] = 4f;
        Assert.Equal([0f, 0f, 0f, 0f, 4f, 0f], tensor.AsSpan().ToArray());
    }

    [Fact]
    public void A_thread_that_starts_using_it_while_another_writes_the_zeros_waits_and_clears_nothing()
    {
        // The early thread takes the span (which writes 64 MB of pending zeros, milliseconds of work) and then fills
        // the second half. The late thread takes its span half a millisecond later, in the middle of those zeros, and
        // fills the first half. Had it cleared as well, it would still be clearing the second half while the early
        // thread fills it.
        const int length = 1 << 24;
        var tensor = new Tensor(length);
        for (int round = 0; round < 10; round++)
        {
            tensor.AsSpan().Fill(float.NaN);
            tensor.ClearLazily();
            int earlyStarted = 0;
            var late = new Thread(() =>
            {
                while (Volatile.Read(ref earlyStarted) == 0)
                {
                    Thread.SpinWait(1);
                }
                var delay = Stopwatch.StartNew();
                while (delay.Elapsed.TotalMilliseconds < 0.5)
                {
                    Thread.SpinWait(1);
                }
                tensor.AsSpan()[..(length / 2)].Fill(1f);
            });
            late.Start();
            Thread.Sleep(20); // let the late thread reach its spin
            Volatile.Write(ref earlyStarted, 1);
            tensor.AsSpan()[(length / 2)..].Fill(2f);
            late.Join();

            Span<float> values = tensor.AsSpan();
            Assert.Equal(-1, values[..(length / 2)].IndexOfAnyExcept(1f));
            Assert.Equal(-1, values[(length / 2)..].IndexOfAnyExcept(2f));
        }
    }

    [Fact]
    public void Copying_into_a_lazily_cleared_tensor_overwrites_it_and_the_clear_is_dropped()
    {
        Tensor destination = LazilyCleared(2, 2);
        Tensor.FromArray(2, 2, [1f, 2f, 3f, 4f]).CopyTo(destination);
        Assert.Equal([1f, 2f, 3f, 4f], destination.AsSpan().ToArray());
        Assert.Equal(3f, destination[2]);
    }

    [Theory]
    [InlineData("AB", 1)]
    [InlineData("AB", 2)]
    [InlineData("ABt", 1)]
    [InlineData("ABt", 2)]
    [InlineData("AtB", 1)]
    [InlineData("AtB", 2)]
    public void A_product_added_into_a_lazily_cleared_matrix_is_the_product(string layoutName, int threads)
    {
        var layout = Enum.Parse<GemmLayout>(layoutName);
        var random = new Random(3);
        foreach ((int m, int k, int n) in new[] { (7, 13, 33), (130, 300, 140), (5, 0, 4) })
        {
            Tensor a = layout == GemmLayout.AtB ? Random(random, k, m) : Random(random, m, k);
            Tensor b = layout == GemmLayout.ABt ? Random(random, n, k) : Random(random, k, n);
            Tensor stored = Filled(m, n, 9f);
            Gemm.Multiply(layout, "test", a, b, stored, accumulate: false, threads, GemmKernel.Automatic);
            Tensor added = LazilyCleared(m, n);

            Gemm.Multiply(layout, "test", a, b, added, accumulate: true, threads, GemmKernel.Automatic);

            Assert.Equal(stored.AsSpan().ToArray(), added.AsSpan().ToArray());
        }
    }

    [Fact]
    public void A_product_added_into_an_ordinary_matrix_still_adds()
    {
        Tensor a = Tensor.FromArray(1, 2, [1f, 2f]), b = Tensor.FromArray(2, 1, [3f, 4f]);
        Tensor c = Tensor.FromArray(1, 1, [10f]);
        Gemm.AB(a, b, c, accumulate: true);
        Assert.Equal(21f, c[0]);
    }

    [Fact]
    public void Finish_writes_the_zeros_a_span_taken_before_the_start_still_shows()
    {
        Tensor adjoint = Filled(3, 3, float.NaN);
        Span<float> earlier = adjoint.AsSpan();
        LazyClear.Start(adjoint);
        LazyClear.Finish(adjoint);
        Assert.All(earlier.ToArray(), value => Assert.Equal(0f, value));
        LazyClear.Start(null);
        LazyClear.Finish(null);
    }

    [Fact]
    public void Gradient_overwrites_adjoints_that_held_NaN_and_zeroes_the_one_that_gets_no_contribution()
    {
        var random = new Random(5);
        Tensor x = Random(random, 6, 4), w = Random(random, 4, 3), unused = Random(random, 2, 2);
        int[] labels = [0, 1, 2, 2, 1, 0];
        Tensor expectedW = Tensor.ZerosLike(w), expectedUnused = Tensor.ZerosLike(unused);
        float expected = TensorFunctions.LossIgnoringUnusedGradient(w, unused, x, labels, expectedW, expectedUnused);
        Tensor dW = Filled(4, 3, float.NaN), dUnused = Filled(2, 2, float.NaN);
        Span<float> dUnusedTakenBefore = dUnused.AsSpan();

        float loss = TensorFunctions.LossIgnoringUnusedGradient(w, unused, x, labels, dW, dUnused);

        Assert.Equal(expected, loss);
        Assert.Equal(expectedW.AsSpan().ToArray(), dW.AsSpan().ToArray());
        Assert.All(expectedW.AsSpan().ToArray(), value => Assert.True(value != 0f && float.IsFinite(value)));
        Assert.All(dUnusedTakenBefore.ToArray(), value => Assert.Equal(0f, value));
    }

    private static Tensor Random(Random random, int rows, int columns)
    {
        Tensor tensor = Tensor.Zeros(rows, columns);
        Span<float> values = tensor.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() * 2) - 1;
        }
        return tensor;
    }
}
