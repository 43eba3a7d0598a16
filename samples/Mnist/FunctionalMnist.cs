using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using AutoDiffGen;
using AutoDiffGen.Data;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace MnistSample;

/// <summary>
/// The same network written as one [Differentiable] loss method, trained with the gradient the generator writes for
/// it (<c>LossGradient</c>) and the same RMSprop: the way to train without the <see cref="Sequential"/> API.
/// </summary>
public static partial class FunctionalMnist
{
    /// <summary>
    /// The mean softmax cross-entropy of the network relu(images · w1 + b1) · w2 + b2 on a batch. The images and labels
    /// are data, so they get no adjoints and no gradient work is spent on them.
    /// </summary>
    /// <param name="w1">The first kernel, [784, 512].</param>
    /// <param name="b1">The first bias, [512].</param>
    /// <param name="w2">The second kernel, [512, 10].</param>
    /// <param name="b2">The second bias, [10].</param>
    /// <param name="images">The batch, [batch, 784].</param>
    /// <param name="labels">The digit of each image.</param>
    /// <returns>The mean loss over the batch.</returns>
    [Differentiable]
    public static float Loss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, [NoDerivative] Tensor images, [NoDerivative] int[] labels) =>
        Losses.SoftmaxCrossEntropy(Layers.Dense(Activations.Relu(Layers.Dense(images, w1, b1)), w2, b2), labels);

    /// <summary>The network's logits (the forward pass of <see cref="Loss"/> without the loss).</summary>
    /// <param name="w1">The first kernel.</param>
    /// <param name="b1">The first bias.</param>
    /// <param name="w2">The second kernel.</param>
    /// <param name="b2">The second bias.</param>
    /// <param name="images">The batch, [batch, 784].</param>
    /// <returns>The logits, [batch, 10].</returns>
    public static Tensor Logits(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor images) =>
        Layers.Dense(Activations.Relu(Layers.Dense(images, w1, b1)), w2, b2);

    /// <summary>Trains the network with <c>LossGradient</c> and RMSprop, printing a Keras-style line per epoch.</summary>
    /// <param name="data">The training and test splits.</param>
    /// <param name="options">Epochs, batch size, seed, pixel scaling; with a plot path the test set is evaluated after every epoch.</param>
    /// <param name="output">Receives the progress lines.</param>
    /// <returns>The accuracies and the training time.</returns>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite.</exception>
    public static MnistRun Train(MnistDataset data, MnistOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        const int hidden = 512;
        var random = new Random(options.Seed);
        Tensor[] parameters =
        [
            Initializers.GlorotUniform(MnistSplit.PixelsPerImage, hidden, random), Initializers.Zeros(hidden),
            Initializers.GlorotUniform(hidden, MnistSplit.ClassCount, random), Initializers.Zeros(MnistSplit.ClassCount),
        ];
        Tensor[] gradients = [.. parameters.Select(Tensor.ZerosLike)];
        RmsProp optimizer = options.CreateOptimizer(data.Train.Count);

        MnistSplit train = data.Train;
        int batchSize = Math.Min(options.BatchSize, train.Count);
        int steps = (train.Count + batchSize - 1) / batchSize;
        int[] order = [.. Enumerable.Range(0, train.Count)];
        var batches = new Dictionary<int, (Tensor Images, int[] Labels)>();
        var epochs = new List<EpochResult>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            random.Shuffle(order);
            var stopwatch = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0;
            for (int step = 1; step <= steps; step++)
            {
                int start = (step - 1) * batchSize;
                int rows = Math.Min(batchSize, train.Count - start);
                if (!batches.TryGetValue(rows, out var batch))
                {
                    batch = (Tensor.Zeros(rows, MnistSplit.PixelsPerImage), new int[rows]);
                    batches[rows] = batch;
                }
                ReadOnlySpan<int> indices = order.AsSpan(start, rows);
                CopyImages(train, indices, batch.Images, options.RawPixels);
                train.CopyLabels(indices, batch.Labels);

                // Gradient overwrites the adjoints, so they need no clearing here.
                float loss = LossGradient(parameters[0], parameters[1], parameters[2], parameters[3], batch.Images, batch.Labels,
                    gradients[0], gradients[1], gradients[2], gradients[3]);
                if (!float.IsFinite(loss) || gradients.Any(g => !AllFinite(g)))
                {
                    throw new TrainingDivergedException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"Training diverged at epoch {epoch}/{options.Epochs}, step {step}/{steps}: the loss is {loss} or a gradient is not finite."),
                        epoch, step, steps);
                }
                // Keras' accuracy is measured on the batch before the step; the extra forward pass is the price of reporting it.
                correct += CountCorrect(Logits(parameters[0], parameters[1], parameters[2], parameters[3], batch.Images), batch.Labels);
                optimizer.Step(parameters, gradients);
                lossSum += (double)loss * rows;
            }
            double seconds = stopwatch.Elapsed.TotalSeconds;
            (double Loss, double Accuracy)? test = options.PlotPath is null ? null : Evaluate(parameters, data.Test, options);
            var result = new EpochResult(epoch, options.Epochs, steps, lossSum / train.Count, (double)correct / train.Count,
                test?.Loss, test?.Accuracy, seconds);
            epochs.Add(result);
            output.WriteLine(result.ToProgressLine());
        }

        (double testLoss, double testAccuracy) = Evaluate(parameters, data.Test, options);
        return new MnistRun(epochs, epochs[^1].Accuracy!.Value, testLoss, testAccuracy, epochs.Sum(e => e.Seconds));
    }

    private static (double Loss, double Accuracy) Evaluate(Tensor[] parameters, MnistSplit split, MnistOptions options)
    {
        const int batchSize = 500;
        int[] order = [.. Enumerable.Range(0, split.Count)];
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < split.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, split.Count - start);
            var images = Tensor.Zeros(rows, MnistSplit.PixelsPerImage);
            int[] labels = new int[rows];
            CopyImages(split, order.AsSpan(start, rows), images, options.RawPixels);
            split.CopyLabels(order.AsSpan(start, rows), labels);
            lossSum += (double)Loss(parameters[0], parameters[1], parameters[2], parameters[3], images, labels) * rows;
            correct += CountCorrect(Logits(parameters[0], parameters[1], parameters[2], parameters[3], images), labels);
        }
        return (lossSum / split.Count, (double)correct / split.Count);
    }

    private static void CopyImages(MnistSplit split, ReadOnlySpan<int> indices, Tensor destination, bool rawPixels)
    {
        if (rawPixels)
        {
            split.CopyRawImages(indices, destination.AsSpan());
        }
        else
        {
            split.CopyScaledImages(indices, destination.AsSpan());
        }
    }

    private static int CountCorrect(Tensor logits, int[] labels)
    {
        int correct = 0;
        for (int row = 0; row < logits.Rows; row++)
        {
            Span<float> values = logits.Row(row);
            int best = 0;
            for (int i = 1; i < values.Length; i++)
            {
                best = values[i] > values[best] ? i : best;
            }
            correct += best == labels[row] ? 1 : 0;
        }
        return correct;
    }

    private static bool AllFinite(Tensor tensor)
    {
        foreach (float value in tensor.AsSpan())
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }
        return true;
    }
}
