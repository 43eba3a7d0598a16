using System;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks;

// Each class times the objective alone (the baseline), its generated gradient and its hand-written gradient.
// Both gradients return the value as well and write into buffers allocated once in GlobalSetup.

[Config(typeof(BenchmarkConfig))]
[MemoryDiagnoser]
public class RosenbrockBenchmarks
{
    private double[] _x = [];
    private double[] _dXGenerated = [];
    private double[] _dXHand = [];

    [GlobalSetup]
    public void Setup()
    {
        _x = Inputs.RosenbrockPoint();
        _dXGenerated = new double[_x.Length];
        _dXHand = new double[_x.Length];
    }

    [Benchmark(Baseline = true, Description = "Rosenbrock primal (n=1000)")]
    public double Primal() => Objectives.Rosenbrock(_x);

    [Benchmark(Description = "Rosenbrock generated gradient")]
    public double Generated() => Objectives.RosenbrockGradient(_x, _dXGenerated);

    [Benchmark(Description = "Rosenbrock hand-written gradient")]
    public double HandWritten() => HandGradients.Rosenbrock(_x, _dXHand);
}

[Config(typeof(BenchmarkConfig))]
[MemoryDiagnoser]
public class MseBenchmarks
{
    private double _w;
    private double _b;
    private double[] _x = [];
    private double[] _y = [];
    private double _dW;
    private double _dB;

    [GlobalSetup]
    public void Setup() => (_w, _b, _x, _y) = Inputs.MseProblem();

    [Benchmark(Baseline = true, Description = "MSE primal (100,000 points)")]
    public double Primal() => Objectives.Mse(_w, _b, _x, _y);

    [Benchmark(Description = "MSE generated gradient")]
    public double Generated() => Objectives.MseGradient(_w, _b, _x, _y, out _dW, out _dB);

    [Benchmark(Description = "MSE hand-written gradient")]
    public double HandWritten() => HandGradients.Mse(_w, _b, _x, _y, out _dW, out _dB);
}

[Config(typeof(BenchmarkConfig))]
[MemoryDiagnoser]
public class LogSumExpMixtureBenchmarks
{
    private double[] _logits = [];
    private double[] _means = [];
    private double[] _data = [];
    private double[] _dLogitsGenerated = [];
    private double[] _dMeansGenerated = [];
    private double[] _dLogitsHand = [];
    private double[] _dMeansHand = [];

    [GlobalSetup]
    public void Setup()
    {
        (_logits, _means, _data) = Inputs.MixtureProblem();
        _dLogitsGenerated = new double[_logits.Length];
        _dMeansGenerated = new double[_means.Length];
        _dLogitsHand = new double[_logits.Length];
        _dMeansHand = new double[_means.Length];
    }

    [Benchmark(Baseline = true, Description = "LogSumExpMixture primal (16 x 1000)")]
    public double Primal() => Objectives.LogSumExpMixture(_logits, _means, _data);

    [Benchmark(Description = "LogSumExpMixture generated gradient")]
    public double Generated() => Objectives.LogSumExpMixtureGradient(_logits, _means, _data, _dLogitsGenerated, _dMeansGenerated);

    [Benchmark(Description = "LogSumExpMixture hand-written gradient")]
    public double HandWritten() => HandGradients.LogSumExpMixture(_logits, _means, _data, _dLogitsHand, _dMeansHand);
}
