using System;
using AutoDiffGen.Data;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// One training epoch of the MNIST sample's model (60,000 images, batch 128, RMSprop) through <see cref="Sequential"/>,
/// on one thread and on two (where each thread owns half of the hidden layer). Needs MNIST, found as the sample finds
/// it (<see cref="MnistLocator"/>: the cache, a download or npm).
/// </summary>
[Config(typeof(BenchmarkConfig))]
[MemoryDiagnoser]
public class EpochBenchmarks
{
    private MnistDataset _data = null!;
    private Sequential _model = null!;

    /// <summary>The value of <see cref="TensorParallelism.MaxThreads"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TensorParallelism.MaxThreads = Threads;
        _data = new MnistLocator().LoadDataset();
        _model = new Sequential(new Dense(512, Activation.Relu), new Dense(10, Activation.Softmax)) { Seed = 42 };
        _model.Compile(Loss.SparseCategoricalCrossEntropy, new RmsProp(), [Metric.Accuracy]);
        _model.Fit(_data.Train, epochs: 1, batchSize: 128); // builds the weights and warms every buffer
    }

    [Benchmark(Description = "one MNIST epoch, Sequential.Fit (469 steps of 128)")]
    [IterationCount(5)]
    [InvocationCount(1)]
    public double Epoch() => _model.Fit(_data.Train, epochs: 1, batchSize: 128).Loss[0];
}
