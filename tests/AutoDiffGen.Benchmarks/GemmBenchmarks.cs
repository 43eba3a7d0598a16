using System;
using System.Globalization;
using System.Reflection;
using AutoDiffGen.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// Gemm on the products of one MNIST training step (batch 128, 784 → 512 → 10), on 1 and 2 threads, plus the
/// half-width products each of the two training shards runs on one thread (its 256 of the 512 hidden units). The GFLOP/s
/// column divides each product's 2·m·k·n by the median time, and "% of peak" compares it with 232 GFLOP/s, the
/// fp32 FMA peak of two cores at 116 GFLOP/s each.
/// </summary>
/// <remarks>The gradient products accumulate (C += ...), as <see cref="TensorOps.MatMulPullback"/> does.</remarks>
[Config(typeof(BenchmarkConfig))]
[GflopsColumns]
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private const int Batch = 128;
    private const int Inputs = 784;
    private const int Hidden = 512;
    private const int Classes = 10;
    private const int ShardHidden = Hidden / 2;

    private Tensor _images = null!;
    private Tensor _w1 = null!;
    private Tensor _hidden = null!;
    private Tensor _w2 = null!;
    private Tensor _logits = null!;
    private Tensor _dHidden = null!;
    private Tensor _dW1 = null!;
    private Tensor _dLogits = null!;
    private Tensor _dW2 = null!;
    private Tensor _w1Shard = null!;
    private Tensor _hiddenShard = null!;
    private Tensor _dHiddenShard = null!;
    private Tensor _dW1Shard = null!;

    /// <summary>The value of <see cref="TensorParallelism.MaxThreads"/>; each case runs in its own process.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TensorParallelism.MaxThreads = Threads;
        var random = new Random(42);
        _images = RandomMatrix(random, Batch, Inputs);
        _w1 = RandomMatrix(random, Inputs, Hidden);
        _hidden = RandomMatrix(random, Batch, Hidden);
        _w2 = RandomMatrix(random, Hidden, Classes);
        _logits = Tensor.Zeros(Batch, Classes);
        _dHidden = RandomMatrix(random, Batch, Hidden);
        _dW1 = Tensor.Zeros(Inputs, Hidden);
        _dLogits = RandomMatrix(random, Batch, Classes);
        _dW2 = Tensor.Zeros(Hidden, Classes);
        _w1Shard = RandomMatrix(random, Inputs, ShardHidden);
        _hiddenShard = Tensor.Zeros(Batch, ShardHidden);
        _dHiddenShard = RandomMatrix(random, Batch, ShardHidden);
        _dW1Shard = Tensor.Zeros(Inputs, ShardHidden);
    }

    [Benchmark(Description = "AB  hidden = X·W1: 128×784 · 784×512")]
    [Flops(2L * Batch * Inputs * Hidden)]
    public void Forward() => Gemm.AB(_images, _w1, _hidden, accumulate: false);

    [Benchmark(Description = "AtB dW1 += Xᵀ·dH: (128×784)ᵀ · 128×512")]
    [Flops(2L * Inputs * Batch * Hidden)]
    public void WeightGradient() => Gemm.AtB(_images, _dHidden, _dW1, accumulate: true);

    [Benchmark(Description = "ABt dH += dY·W2ᵀ: 128×10 · (512×10)ᵀ")]
    [Flops(2L * Batch * Classes * Hidden)]
    public void HiddenGradient() => Gemm.ABt(_dLogits, _w2, _dHidden, accumulate: true);

    [Benchmark(Description = "AB  logits = H·W2: 128×512 · 512×10")]
    [Flops(2L * Batch * Hidden * Classes)]
    public void Logits() => Gemm.AB(_hidden, _w2, _logits, accumulate: false);

    [Benchmark(Description = "AtB dW2 += Hᵀ·dY: (128×512)ᵀ · 128×10")]
    [Flops(2L * Hidden * Batch * Classes)]
    public void OutputWeightGradient() => Gemm.AtB(_hidden, _dLogits, _dW2, accumulate: true);

    [Benchmark(Description = "AB  shard hidden = X·W1: 128×784 · 784×256")]
    [Flops(2L * Batch * Inputs * ShardHidden)]
    public void ShardForward() => Gemm.AB(_images, _w1Shard, _hiddenShard, accumulate: false);

    [Benchmark(Description = "AtB shard dW1 += Xᵀ·dH: (128×784)ᵀ · 128×256")]
    [Flops(2L * Inputs * Batch * ShardHidden)]
    public void ShardWeightGradient() => Gemm.AtB(_images, _dHiddenShard, _dW1Shard, accumulate: true);

    private static Tensor RandomMatrix(Random random, int rows, int columns)
    {
        Tensor matrix = Tensor.Zeros(rows, columns);
        Span<float> values = matrix.AsSpan();
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(2 * random.NextDouble() - 1);
        }
        return matrix;
    }
}

/// <summary>The floating-point operations of one invocation of a benchmark, for <see cref="GflopsColumnsAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FlopsAttribute(long count) : Attribute
{
    public long Count { get; } = count;
}

/// <summary>Adds the GFLOP/s and "% of peak" columns to a class whose benchmarks carry <see cref="FlopsAttribute"/>.</summary>
public sealed class GflopsColumnsAttribute() : ColumnConfigBaseAttribute(new GflopsColumn(asShareOfPeak: false), new GflopsColumn(asShareOfPeak: true));

/// <summary>GFLOP/s from the median time, or that as a percentage of <see cref="PeakGflops"/>.</summary>
public sealed class GflopsColumn(bool asShareOfPeak) : IColumn
{
    /// <summary>Two cores × 116 GFLOP/s (fp32 FMA) on the benchmark machine.</summary>
    public const double PeakGflops = 232;

    public string Id => asShareOfPeak ? "GflopsShareOfPeak" : "Gflops";
    public string ColumnName => asShareOfPeak ? "% of peak" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => asShareOfPeak ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => asShareOfPeak
        ? $"GFLOP/s as a percentage of {PeakGflops} GFLOP/s, the two-core fp32 FMA peak"
        : "2·m·k·n floating-point operations divided by the median time, in 10^9 per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        long? flops = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<FlopsAttribute>()?.Count;
        double? medianNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (flops is null || medianNanoseconds is not > 0)
        {
            return "-";
        }
        double gflops = flops.Value / medianNanoseconds.Value;   // operations per nanosecond = GFLOP/s
        return asShareOfPeak
            ? (100 * gflops / PeakGflops).ToString("0.0", CultureInfo.InvariantCulture) + " %"
            : gflops.ToString("0.0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
