using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using AutoDiffGen.Data;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using AutoDiffGen.Tests.Data;
using MnistSample;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>
/// The Keras-like <see cref="Sequential"/> API: it learns a small synthetic problem, is bit-for-bit reproducible from
/// its seed, stops on NaN keeping its weights, saves and loads weights, names bad shapes, and trains real MNIST.
/// </summary>
public sealed class SequentialTests : IDisposable
{
    private const int Classes = 3;
    private const int Features = 4;

    private readonly TempDirectory _directory = new();

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();

    /// <summary>Three well separated Gaussian blobs in 4 dimensions, <paramref name="perClass"/> points each, shuffled.</summary>
    private static (Tensor X, int[] Y) Blobs(int perClass = 60, int seed = 7)
    {
        var random = new Random(seed);
        int count = perClass * Classes;
        var x = Tensor.Zeros(count, Features);
        var y = new int[count];
        int[] order = [.. Enumerable.Range(0, count)];
        random.Shuffle(order);
        for (int i = 0; i < count; i++)
        {
            int label = order[i] % Classes;
            y[i] = label;
            for (int f = 0; f < Features; f++)
            {
                float center = f == label ? 2f : f == Features - 1 ? -label : 0f;
                x[i, f] = center + (0.4f * (float)((random.NextDouble() * 2) - 1));
            }
        }
        return (x, y);
    }

    private static Sequential Classifier(int seed, float learningRate = 0.01f)
    {
        var model = new Sequential(new Dense(16, Activation.Relu), new Dense(Classes, Activation.Softmax)) { Seed = seed };
        model.Compile(loss: Loss.SparseCategoricalCrossEntropy, optimizer: new RmsProp(learningRate), metrics: [Metric.Accuracy]);
        return model;
    }

    private static byte[] WeightBytes(Sequential model) =>
        [.. model.NamedWeights.SelectMany(w => MemoryMarshal.AsBytes(w.Value.AsSpan()).ToArray())];

    [Fact]
    public void Sequential_learns_three_blobs_with_a_falling_loss_and_high_accuracy()
    {
        (Tensor x, int[] y) = Blobs();
        Sequential model = Classifier(seed: 1);
        var lines = new StringWriter();

        TrainingHistory history = model.Fit(x, y, epochs: 15, batchSize: 16, validationX: x, validationY: y, progress: lines);

        Assert.Equal(15, history.Epochs.Count);
        Assert.True(history.Loss[^1] < history.Loss[0] / 4, $"loss went from {history.Loss[0]} to {history.Loss[^1]}");
        Assert.True(history.Accuracy[^1] >= 0.95, $"training accuracy {history.Accuracy[^1]}");
        Assert.True(history.ValidationAccuracy[^1] >= 0.95, $"validation accuracy {history.ValidationAccuracy[^1]}");
        EvaluationResult result = model.Evaluate(x, y);
        Assert.True(result.Accuracy >= 0.95, $"evaluated accuracy {result.Accuracy}");
        Assert.Equal(history.ValidationLoss[^1], result.Loss, 5);

        string[] printed = lines.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(15, printed.Length);
        Assert.Matches(@"^Epoch 1/15 - 12/12 - \d+\.\ds \d+ms/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$", printed[0]);
    }

    [Fact]
    public void Predict_returns_probabilities_whose_cross_entropy_is_the_fused_loss_that_evaluate_reports()
    {
        (Tensor x, int[] y) = Blobs(perClass: 10);
        Sequential model = Classifier(seed: 3);
        model.Fit(x, y, epochs: 2, batchSize: 8);
        Assert.True(model.UsesFusedSoftmaxCrossEntropy);

        Tensor probabilities = model.Predict(x, batchSize: 7);

        Assert.Equal($"[{x.Rows}, {Classes}]", probabilities.ShapeText);
        double expectedLoss = 0;
        for (int row = 0; row < x.Rows; row++)
        {
            Assert.Equal(1f, probabilities.Row(row).ToArray().Sum(), 5);
            expectedLoss -= Math.Log(probabilities[row, y[row]]);
        }
        Assert.Equal(expectedLoss / x.Rows, model.Evaluate(x, y, batchSize: 5).Loss, 4);
    }

    [Fact]
    public void Mean_squared_error_with_target_rows_trains_a_linear_layer()
    {
        var random = new Random(5);
        var x = Tensor.Zeros(64, 2);
        var targets = Tensor.Zeros(64, 1);
        for (int i = 0; i < x.Rows; i++)
        {
            x[i, 0] = (float)random.NextDouble();
            x[i, 1] = (float)random.NextDouble();
            targets[i, 0] = (3 * x[i, 0]) - (2 * x[i, 1]) + 0.5f;
        }
        var model = new Sequential(new Dense(1)) { Seed = 2 };
        model.Compile(Loss.MeanSquaredError, new Sgd(learningRate: 0.2f));

        TrainingHistory history = model.Fit(x, targets, epochs: 60, batchSize: 16);

        Assert.True(history.Loss[^1] < 1e-3, $"final loss {history.Loss[^1]}");
        Assert.Equal(3f, model.Layers[0].Kernel![0, 0], 1);
        Assert.Equal(-2f, model.Layers[0].Kernel![1, 0], 1);
        Assert.Null(history.Epochs[0].Accuracy);
    }

    private static Tensor OneHot(int[] labels)
    {
        var targets = Tensor.Zeros(labels.Length, Classes);
        for (int i = 0; i < labels.Length; i++)
        {
            targets[i, labels[i]] = 1f;
        }
        return targets;
    }

    [Fact]
    public void Tanh_and_sigmoid_layers_learn_with_categorical_cross_entropy_on_one_hot_targets()
    {
        (Tensor x, int[] y) = Blobs();
        var model = new Sequential(new Dense(8, Activation.Tanh), new Dense(8, Activation.Sigmoid), new Dense(Classes, Activation.Softmax)) { Seed = 6 };
        model.Compile(Loss.CategoricalCrossEntropy, new Adam(0.01f), [Metric.Accuracy]);
        Assert.False(model.UsesFusedSoftmaxCrossEntropy);

        TrainingHistory history = model.Fit(x, OneHot(y), epochs: 20, batchSize: 16);

        Assert.True(history.Loss[^1] < history.Loss[0] / 4, $"loss went from {history.Loss[0]} to {history.Loss[^1]}");
        Assert.True(model.Evaluate(x, OneHot(y)).Accuracy >= 0.95);
    }

    [Fact]
    public void The_fused_loss_takes_the_same_step_as_softmax_then_categorical_cross_entropy()
    {
        // Softmax's generated backward pass followed by the cross-entropy's gradient must agree with the fused
        // softmax cross-entropy's gradient (softmax − one-hot) wherever no probability is clipped.
        (Tensor x, int[] y) = Blobs(perClass: 10);
        var fused = new Sequential(new Dense(5, Activation.Relu), new Dense(Classes, Activation.Softmax)) { Seed = 21 };
        var unfused = new Sequential(new Dense(5, Activation.Relu), new Dense(Classes, Activation.Softmax)) { Seed = 21 };
        fused.Compile(Loss.SparseCategoricalCrossEntropy, new Sgd(learningRate: 1f));
        unfused.Compile(Loss.CategoricalCrossEntropy, new Sgd(learningRate: 1f));

        TrainingHistory fusedHistory = fused.Fit(x, y, epochs: 1, batchSize: x.Rows);
        TrainingHistory unfusedHistory = unfused.Fit(x, OneHot(y), epochs: 1, batchSize: x.Rows);

        Assert.Equal(fusedHistory.Loss[0], unfusedHistory.Loss[0], 5);
        for (int i = 0; i < fused.NamedWeights.Count; i++)
        {
            float[] expected = fused.NamedWeights[i].Value.AsSpan().ToArray();
            float[] actual = unfused.NamedWeights[i].Value.AsSpan().ToArray();
            Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First, pair.Second, 4));
        }
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        (Tensor x, int[] y) = Blobs(perClass: 20);
        Sequential first = Classifier(seed: 11);
        Sequential second = Classifier(seed: 11);
        Sequential other = Classifier(seed: 12);

        first.Fit(x, y, epochs: 3, batchSize: 16);
        second.Fit(x, y, epochs: 3, batchSize: 16);
        other.Fit(x, y, epochs: 3, batchSize: 16);

        Assert.Equal(WeightBytes(first), WeightBytes(second));
        Assert.NotEqual(WeightBytes(first), WeightBytes(other));
    }

    [Fact]
    public void A_seed_given_to_fit_fixes_the_shuffle_independently_of_the_model_seed()
    {
        (Tensor x, int[] y) = Blobs(perClass: 20);
        Sequential first = Classifier(seed: 11);
        Sequential second = Classifier(seed: 11);

        first.Fit(x, y, epochs: 2, batchSize: 16, seed: 100);
        second.Fit(x, y, epochs: 2, batchSize: 16, seed: 101);

        Assert.NotEqual(WeightBytes(first), WeightBytes(second));
    }

    [Fact]
    public void A_nan_stops_training_at_the_step_that_meets_it_and_keeps_the_last_good_weights()
    {
        (Tensor x, int[] y) = Blobs(perClass: 20);
        Sequential model = Classifier(seed: 4);
        model.Fit(x, y, epochs: 1, batchSize: 16);
        byte[] good = WeightBytes(model);

        Tensor poisoned = x.Clone();
        poisoned[17, 2] = float.NaN;
        // One batch per epoch: the first step meets the NaN, so no step is taken at all.
        var error = Assert.Throws<TrainingDivergedException>(() => model.Fit(poisoned, y, epochs: 3, batchSize: x.Rows));

        Assert.Equal(1, error.Epoch);
        Assert.Equal(1, error.Step);
        Assert.Contains("epoch 1/3, step 1/1", error.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Equal(good, WeightBytes(model));
    }

    [Fact]
    public void A_nan_in_a_later_batch_is_reported_with_that_batchs_step()
    {
        (Tensor x, int[] y) = Blobs(perClass: 20);
        Tensor poisoned = x.Clone();
        const int row = 33, batchSize = 8, seed = 9;
        poisoned[row, 0] = float.PositiveInfinity;
        // Fit shuffles with new Random(seed) once per epoch, so the poisoned row's batch can be worked out here.
        int[] order = [.. Enumerable.Range(0, x.Rows)];
        new Random(seed).Shuffle(order);
        int expectedStep = (Array.IndexOf(order, row) / batchSize) + 1;
        int steps = (x.Rows + batchSize - 1) / batchSize;   // 60 rows: 7 full batches and a last one of 4
        Sequential model = Classifier(seed: 4);

        var error = Assert.Throws<TrainingDivergedException>(() => model.Fit(poisoned, y, epochs: 2, batchSize: batchSize, seed: seed));

        Assert.Equal((1, expectedStep, steps), (error.Epoch, error.Step, error.StepsPerEpoch));
        Assert.Contains($"epoch 1/2, step {expectedStep}/{steps}", error.Message, StringComparison.Ordinal);
        Assert.All(model.NamedWeights, w => Assert.True(w.Value.AsSpan().ToArray().All(float.IsFinite), w.Key));
    }

    [Fact]
    public void Saved_weights_load_into_a_new_model_that_then_predicts_the_same()
    {
        (Tensor x, int[] y) = Blobs(perClass: 10);
        Sequential trained = Classifier(seed: 5);
        trained.Fit(x, y, epochs: 2, batchSize: 8);
        string path = _directory.Combine("blobs.adgw");

        trained.SaveWeights(path);
        var loaded = new Sequential(new Dense(16, Activation.Relu), new Dense(Classes, Activation.Softmax)) { Seed = 99 };
        loaded.LoadWeights(path);

        Assert.Equal(["dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias"], loaded.NamedWeights.Select(w => w.Key));
        Assert.Equal(WeightBytes(trained), WeightBytes(loaded));
        Assert.Equal(trained.Predict(x).AsSpan().ToArray(), loaded.Predict(x).AsSpan().ToArray());
    }

    [Fact]
    public void Loading_weights_of_another_shape_names_the_tensor_and_changes_nothing()
    {
        Sequential small = Classifier(seed: 5);
        small.Build(Features);
        string path = _directory.Combine("small.adgw");
        small.SaveWeights(path);
        var wider = new Sequential(new Dense(32, Activation.Relu), new Dense(Classes, Activation.Softmax)) { Seed = 5 };
        wider.Build(Features);
        byte[] before = WeightBytes(wider);

        var error = Assert.Throws<ArgumentException>(() => wider.LoadWeights(path));

        Assert.Contains("dense_0/kernel", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, WeightBytes(wider));
    }

    [Fact]
    public void Fit_before_compile_says_to_call_compile()
    {
        (Tensor x, int[] y) = Blobs(perClass: 2);
        var model = new Sequential(new Dense(Classes, Activation.Softmax));

        var error = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y));

        Assert.Contains("Compile(", error.Message, StringComparison.Ordinal);
        Assert.Contains("before Fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_out_of_range_is_named_with_its_index_and_the_valid_range()
    {
        (Tensor x, int[] y) = Blobs(perClass: 2);
        y[4] = 3;

        var error = Assert.Throws<ArgumentException>(() => Classifier(seed: 1).Fit(x, y));

        Assert.Contains("Label 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("from 0 to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_count_mismatch_names_both_counts_and_the_shape()
    {
        (Tensor x, int[] y) = Blobs(perClass: 2);

        var error = Assert.Throws<ArgumentException>(() => Classifier(seed: 1).Fit(x, y[..5]));

        Assert.Contains("x has 6 rows (shape [6, 4]) but y has 5 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_call_with_another_input_width_names_both_widths()
    {
        (Tensor x, int[] y) = Blobs(perClass: 2);
        Sequential model = Classifier(seed: 1);
        model.Fit(x, y);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(Tensor.Zeros(5, 7)));
        var evaluateError = Assert.Throws<ArgumentException>(() => model.Evaluate(Tensor.Zeros(6, 3), y));

        Assert.Contains("x has shape [5, 7], but the model was built for inputs of 4 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("[6, 3]", evaluateError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_of_the_wrong_kind_for_the_loss_are_refused()
    {
        (Tensor x, int[] y) = Blobs(perClass: 2);
        var regression = new Sequential(new Dense(1)) { Seed = 1 };
        regression.Compile(Loss.MeanSquaredError, new Sgd());

        var labelsError = Assert.Throws<InvalidOperationException>(() => regression.Fit(x, y));
        var shapeError = Assert.Throws<ArgumentException>(() => regression.Fit(x, Tensor.Zeros(6, 2)));
        var tensorError = Assert.Throws<InvalidOperationException>(() => Classifier(seed: 1).Fit(x, Tensor.Zeros(6, 3)));

        Assert.Contains("target rows", labelsError.Message, StringComparison.Ordinal);
        Assert.Contains("[6, 2]", shapeError.Message, StringComparison.Ordinal);
        Assert.Contains("class indices", tensorError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_cannot_be_shared_between_models()
    {
        var layer = new Dense(4);
        _ = new Sequential(layer);

        var error = Assert.Throws<ArgumentException>(() => new Sequential(layer));

        Assert.Contains("already belongs to a model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_functional_loss_equals_the_sequential_models_loss_for_the_same_weights()
    {
        (Tensor x, int[] y) = Blobs(perClass: 5);
        Sequential model = Classifier(seed: 8);
        model.Build(Features);
        IReadOnlyList<Dense> layers = model.Layers;

        float functional = FunctionalMnist.Loss(layers[0].Kernel!, layers[0].Bias!, layers[1].Kernel!, layers[1].Bias!, x, y);

        Assert.Equal(model.Evaluate(x, y, batchSize: x.Rows).Loss, functional, 5);
    }

    [Fact]
    public void One_epoch_on_real_mnist_reaches_95_percent_test_accuracy()
    {
        MnistDataset data = new MnistLocator().LoadDataset();
        var model = new Sequential(new Dense(512, Activation.Relu), new Dense(10, Activation.Softmax)) { Seed = 42 };
        model.Compile(loss: Loss.SparseCategoricalCrossEntropy, optimizer: new RmsProp(), metrics: [Metric.Accuracy]);

        TrainingHistory history = model.Fit(data.Train, epochs: 1, batchSize: 128);
        EvaluationResult test = model.Evaluate(data.Test);

        Assert.Equal(469, history.Epochs[0].Steps);
        Assert.True(test.Accuracy >= 0.95, $"test accuracy {test.Accuracy}, train accuracy {history.Accuracy[0]}");
    }
}
