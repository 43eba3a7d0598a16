using System;
using System.Linq;
using System.Runtime.InteropServices;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>
/// A two-layer model trained on two threads, each owning half of the hidden layer: it learns as the one-thread model
/// does, agrees with it step by step up to the order of one sum, repeats itself bit for bit, and stops on NaN keeping
/// the weights from before the step.
/// </summary>
public sealed class ShardedTrainingTests
{
    private const int Classes = 3;
    private const int Features = 8;
    private const int Hidden = 64; // two shards of 32 units

    private static (Tensor X, int[] Y) Data(int count = 240)
    {
        var random = new Random(11);
        var x = Tensor.Zeros(count, Features);
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = i % Classes;
            for (int f = 0; f < Features; f++)
            {
                x[i, f] = (f % Classes == y[i] ? 1.5f : 0f) + (0.5f * ((random.NextSingle() * 2) - 1));
            }
        }
        return (x, y);
    }

    private static Sequential Model(Optimizer optimizer)
    {
        var model = new Sequential(new Dense(Hidden, Activation.Relu), new Dense(Classes, Activation.Softmax)) { Seed = 5 };
        model.Compile(Loss.SparseCategoricalCrossEntropy, optimizer, [Metric.Accuracy]);
        return model;
    }

    private static float[] Weights(Sequential model) => [.. model.NamedWeights.SelectMany(w => w.Value.AsSpan().ToArray())];

    private static T WithThreads<T>(int threads, Func<T> action)
    {
        int previous = TensorParallelism.MaxThreads;
        TensorParallelism.MaxThreads = threads;
        try
        {
            return action();
        }
        finally
        {
            TensorParallelism.MaxThreads = previous;
        }
    }

    [Fact]
    public void Two_shards_learn_like_one_thread()
    {
        (Tensor x, int[] y) = Data();
        TrainingHistory sharded = WithThreads(2, () => Model(new RmsProp(0.01f)).Fit(x, y, epochs: 8, batchSize: 32, seed: 3));
        TrainingHistory single = WithThreads(1, () => Model(new RmsProp(0.01f)).Fit(x, y, epochs: 8, batchSize: 32, seed: 3));

        Assert.True(sharded.Accuracy[^1] >= 0.95, $"sharded accuracy {sharded.Accuracy[^1]}");
        for (int epoch = 0; epoch < 8; epoch++)
        {
            Assert.Equal(single.Loss[epoch], sharded.Loss[epoch], 3);
        }
    }

    [Fact]
    public void One_sharded_step_equals_the_one_thread_step_up_to_rounding()
    {
        (Tensor x, int[] y) = Data(64);
        Sequential sharded = Model(new Sgd(0.5f));
        Sequential single = Model(new Sgd(0.5f));
        WithThreads(2, () => sharded.Fit(x, y, epochs: 1, batchSize: 64, seed: 1));
        WithThreads(1, () => single.Fit(x, y, epochs: 1, batchSize: 64, seed: 1));

        float[] a = Weights(sharded), b = Weights(single);
        Assert.Equal(b.Length, a.Length);
        Sequential untrained = Model(new Sgd(0.5f));
        untrained.Build(Features);
        Assert.NotEqual(Weights(untrained), a); // the step moved the weights
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5f * (1 + Math.Abs(b[i])), $"weight {i}: sharded {a[i]}, one thread {b[i]}");
        }
    }

    [Fact]
    public void Sharded_Adam_counts_every_step_and_follows_the_one_thread_run()
    {
        // Adam's bias correction depends on the step count, which the sharded run advances only once every shard
        // has applied the step; a count that ran ahead or behind would move the weights apart.
        (Tensor x, int[] y) = Data(96);
        var shardedAdam = new Adam(0.01f);
        var singleAdam = new Adam(0.01f);
        Sequential sharded = Model(shardedAdam);
        Sequential single = Model(singleAdam);
        WithThreads(2, () => sharded.Fit(x, y, epochs: 3, batchSize: 32, seed: 4));
        WithThreads(1, () => single.Fit(x, y, epochs: 3, batchSize: 32, seed: 4));

        Assert.Equal(9, shardedAdam.Iterations);
        Assert.Equal(9, singleAdam.Iterations);
        float[] a = Weights(sharded), b = Weights(single);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + Math.Abs(b[i])), $"weight {i}: sharded {a[i]}, one thread {b[i]}");
        }
    }

    [Fact]
    public void Sharded_training_with_a_schedule_follows_the_one_thread_run()
    {
        // The schedule reads the step count when a step begins; a count off by one would give the shards other rates.
        (Tensor x, int[] y) = Data(96);
        Sequential sharded = Model(new RmsProp { Schedule = new CosineDecay(0.01f, decaySteps: 9) });
        Sequential single = Model(new RmsProp { Schedule = new CosineDecay(0.01f, decaySteps: 9) });
        WithThreads(2, () => sharded.Fit(x, y, epochs: 3, batchSize: 32, seed: 4));
        WithThreads(1, () => single.Fit(x, y, epochs: 3, batchSize: 32, seed: 4));

        Assert.Equal(new CosineDecay(0.01f, decaySteps: 9).LearningRateAt(8), sharded.Optimizer!.LearningRate);
        float[] a = Weights(sharded), b = Weights(single);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + Math.Abs(b[i])), $"weight {i}: sharded {a[i]}, one thread {b[i]}");
        }
    }

    [Fact]
    public void A_sharded_run_stopped_by_an_exception_between_steps_keeps_the_steps_it_took()
    {
        // The schedule fails on the fifth step of the first epoch, before any epoch end has copied the shards' slices
        // back into the model; the model must still hold the four steps taken, as the one-thread model does.
        (Tensor x, int[] y) = Data(96);
        var shardedOptimizer = new RmsProp { Schedule = new LearningRateScheduleTests.InvalidAfter(4) };
        var singleOptimizer = new RmsProp { Schedule = new LearningRateScheduleTests.InvalidAfter(4) };
        Sequential sharded = Model(shardedOptimizer);
        Sequential single = Model(singleOptimizer);
        WithThreads(2, () => Assert.Throws<InvalidOperationException>(() => sharded.Fit(x, y, epochs: 1, batchSize: 16, seed: 4)));
        WithThreads(1, () => Assert.Throws<InvalidOperationException>(() => single.Fit(x, y, epochs: 1, batchSize: 16, seed: 4)));

        Assert.Equal(4, shardedOptimizer.Iterations);
        Assert.Equal(4, singleOptimizer.Iterations);
        float[] a = Weights(sharded), b = Weights(single);
        Sequential untrained = Model(new RmsProp());
        untrained.Build(Features);
        Assert.NotEqual(Weights(untrained), b);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + Math.Abs(b[i])), $"weight {i}: sharded {a[i]}, one thread {b[i]}");
        }
    }

    [Fact]
    public void Sharded_training_repeats_itself_bit_for_bit()
    {
        (Tensor x, int[] y) = Data();
        float[] Run() => WithThreads(2, () =>
        {
            Sequential model = Model(new Adam(0.01f));
            model.Fit(x, y, epochs: 3, batchSize: 16, seed: 9);
            return Weights(model);
        });
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void A_sharded_model_that_diverges_stops_with_the_weights_from_before_the_step()
    {
        (Tensor x, int[] y) = Data(64);
        x[5, 2] = float.PositiveInfinity; // an infinite input makes the first step's gradient non-finite
        Sequential model = Model(new RmsProp());
        model.Build(Features);
        float[] before = Weights(model);

        TrainingDivergedException error = WithThreads(2, () => Assert.Throws<TrainingDivergedException>(() => model.Fit(x, y, epochs: 2, batchSize: 64, seed: 2)));

        Assert.Equal(1, error.Epoch);
        Assert.Equal(1, error.Step);
        Assert.Equal(before, Weights(model));
    }
}
