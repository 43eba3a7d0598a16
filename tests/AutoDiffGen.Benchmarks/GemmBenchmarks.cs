using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using AutoDiffGen.Tensors;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// Gemm on the products of one MNIST training step (batch 128, 784 → 512 → 10), on 1 and 2 threads, plus the
/// half-width products each of the two training shards runs on one thread (its 256 of the 512 hidden units); the same
/// products through OpenBLAS's <c>cblas_sgemm</c> on as many threads; and the machine's FMA peak on as many threads,
/// measured by <see cref="FmaPeakLoop"/> in the same run. The GFLOP/s column divides each product's 2·m·k·n by the
/// median time, and "% of peak" compares it with the "FMA peak" row of the same Threads value.
/// </summary>
/// <remarks>
/// <para>The gradient products accumulate (C += ...), as <see cref="TensorOps.MatMulPullback"/> does.</para>
/// <para>
/// The OpenBLAS cases load <see cref="OpenBlas.LibraryName"/> in their own setup, which throws, naming the library, when
/// it is missing; BenchmarkDotNet then reports those cases as failed (no time, "NA") and runs the others as usual.
/// </para>
/// </remarks>
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
    private FmaPeakLoop _fmaPeak = null!;

    /// <summary>
    /// The value of <see cref="TensorParallelism.MaxThreads"/>, of OpenBLAS's thread count, and the threads the FMA peak
    /// runs on; each case runs in its own process.
    /// </summary>
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
        _fmaPeak = new FmaPeakLoop(Threads);
    }

    /// <summary>The setup of the OpenBLAS cases: the same tensors, and OpenBLAS on <see cref="Threads"/> threads.</summary>
    /// <exception cref="DllNotFoundException">OpenBLAS is missing; the message names the library.</exception>
    [GlobalSetup(Targets = [nameof(OpenBlasForward), nameof(OpenBlasWeightGradient), nameof(OpenBlasHiddenGradient), nameof(OpenBlasLogits),
        nameof(OpenBlasOutputWeightGradient), nameof(OpenBlasShardForward), nameof(OpenBlasShardWeightGradient)])]
    public void SetupOpenBlas()
    {
        Setup();
        OpenBlas.Load();
        OpenBlas.Threads = Threads;
        if (OpenBlas.Threads != Threads)
        {
            throw new InvalidOperationException($"OpenBLAS runs on {OpenBlas.Threads} threads after being asked for {Threads} ({OpenBlas.Configuration}).");
        }
    }

    /// <summary>The machine's FMA peak on <see cref="Threads"/> threads, the reference of "% of peak".</summary>
    [Benchmark(Description = "FMA peak: 12 independent FMA chains/thread")]
    [Flops(FmaPeakLoop.FlopsPerRun)]
    [MeasuredPeak]
    public float FmaPeak() => _fmaPeak.Run();

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

    [Benchmark(Description = "OpenBLAS AB  hidden = X·W1: 128×784 · 784×512")]
    [Flops(2L * Batch * Inputs * Hidden)]
    public void OpenBlasForward() => OpenBlas.AB(_images, _w1, _hidden, accumulate: false);

    [Benchmark(Description = "OpenBLAS AtB dW1 += Xᵀ·dH: (128×784)ᵀ · 128×512")]
    [Flops(2L * Inputs * Batch * Hidden)]
    public void OpenBlasWeightGradient() => OpenBlas.AtB(_images, _dHidden, _dW1, accumulate: true);

    [Benchmark(Description = "OpenBLAS ABt dH += dY·W2ᵀ: 128×10 · (512×10)ᵀ")]
    [Flops(2L * Batch * Classes * Hidden)]
    public void OpenBlasHiddenGradient() => OpenBlas.ABt(_dLogits, _w2, _dHidden, accumulate: true);

    [Benchmark(Description = "OpenBLAS AB  logits = H·W2: 128×512 · 512×10")]
    [Flops(2L * Batch * Hidden * Classes)]
    public void OpenBlasLogits() => OpenBlas.AB(_hidden, _w2, _logits, accumulate: false);

    [Benchmark(Description = "OpenBLAS AtB dW2 += Hᵀ·dY: (128×512)ᵀ · 128×10")]
    [Flops(2L * Hidden * Batch * Classes)]
    public void OpenBlasOutputWeightGradient() => OpenBlas.AtB(_hidden, _dLogits, _dW2, accumulate: true);

    [Benchmark(Description = "OpenBLAS AB  shard hidden = X·W1: 128×784 · 784×256")]
    [Flops(2L * Batch * Inputs * ShardHidden)]
    public void OpenBlasShardForward() => OpenBlas.AB(_images, _w1Shard, _hiddenShard, accumulate: false);

    [Benchmark(Description = "OpenBLAS AtB shard dW1 += Xᵀ·dH: (128×784)ᵀ · 128×256")]
    [Flops(2L * Inputs * Batch * ShardHidden)]
    public void OpenBlasShardWeightGradient() => OpenBlas.AtB(_images, _dHiddenShard, _dW1Shard, accumulate: true);

    /// <summary>A matrix of uniform values in [-1, 1); the verification of the OpenBLAS products uses it too.</summary>
    internal static Tensor RandomMatrix(Random random, int rows, int columns)
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

/// <summary>
/// Marks the benchmark that measures the machine's peak: "% of peak" compares the other benchmarks of its class with it,
/// at the same parameter values and in the same summary.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MeasuredPeakAttribute : Attribute;

/// <summary>Adds the GFLOP/s and "% of peak" columns to a class whose benchmarks carry <see cref="FlopsAttribute"/>.</summary>
public sealed class GflopsColumnsAttribute() : ColumnConfigBaseAttribute(new GflopsColumn(asShareOfPeak: false), new GflopsColumn(asShareOfPeak: true));

/// <summary>
/// GFLOP/s from the median time, or that as a percentage of the GFLOP/s of the <see cref="MeasuredPeakAttribute"/>
/// benchmark of the same class, job and parameters in the same summary ("-" if there is none or it has no result).
/// </summary>
public sealed class GflopsColumn(bool asShareOfPeak) : IColumn
{
    public string Id => asShareOfPeak ? "GflopsShareOfPeak" : "Gflops";
    public string ColumnName => asShareOfPeak ? "% of peak" : "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => asShareOfPeak ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => asShareOfPeak
        ? "GFLOP/s as a percentage of the GFLOP/s of the [MeasuredPeak] benchmark (the FMA loop) measured in this run with the same parameters (Threads); - when it has no result"
        : "2·m·k·n floating-point operations (for the FMA loop, 2 per FMA lane) divided by the median time, in 10^9 per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = Gflops(summary, benchmarkCase);
        if (gflops is null)
        {
            return "-";
        }
        if (!asShareOfPeak)
        {
            return gflops.Value.ToString("0.0", CultureInfo.InvariantCulture);
        }
        BenchmarkCase? peakCase = summary.BenchmarksCases.FirstOrDefault(candidate => IsPeakFor(candidate, benchmarkCase));
        double? peak = peakCase is null ? null : Gflops(summary, peakCase);
        return peak is null
            ? "-"
            : (100 * gflops.Value / peak.Value).ToString("0.0", CultureInfo.InvariantCulture) + " %";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static double? Gflops(Summary summary, BenchmarkCase benchmarkCase)
    {
        long? flops = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<FlopsAttribute>()?.Count;
        double? medianNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Median;
        return flops is null || medianNanoseconds is not > 0
            ? null
            : flops.Value / medianNanoseconds.Value;   // operations per nanosecond = GFLOP/s
    }

    // The peak a case is compared with ran with everything else equal: class, job, and every parameter (Threads).
    private static bool IsPeakFor(BenchmarkCase candidate, BenchmarkCase benchmarkCase) =>
        candidate.Descriptor.WorkloadMethod.IsDefined(typeof(MeasuredPeakAttribute), inherit: false) &&
        candidate.Descriptor.Type == benchmarkCase.Descriptor.Type &&
        candidate.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo &&
        candidate.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo;
}
