using System.IO;
using AutoDiffGen.Data;
using AutoDiffGen.NeuralNetworks;

namespace MnistSample;

/// <summary>
/// The Keras program, line for line, on the <see cref="Sequential"/> API; by default its RMSprop's learning rate starts
/// at 0.003 and decays along a cosine (the program's own constant 0.001 is <c>--schedule constant --learning-rate 0.001</c>).
/// </summary>
public static class SequentialMnist
{
    /// <summary>Builds, compiles, fits and evaluates the model, printing a Keras-style line per epoch.</summary>
    /// <param name="data">The training and test splits.</param>
    /// <param name="options">Epochs, batch size, seed, pixel scaling; with a plot path the test set is evaluated after every epoch.</param>
    /// <param name="output">Receives the progress lines.</param>
    /// <returns>The accuracies and the training time.</returns>
    public static MnistRun Train(MnistDataset data, MnistOptions options, TextWriter output)
    {
        // model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
        var model = new Sequential(new Dense(512, Activation.Relu), new Dense(10, Activation.Softmax)) { Seed = options.Seed };
        // model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]), where
        // "rmsprop" is by default keras.optimizers.RMSprop(keras.optimizers.schedules.CosineDecay(0.003, total_steps))
        model.Compile(loss: Loss.SparseCategoricalCrossEntropy, optimizer: options.CreateOptimizer(data.Train.Count), metrics: [Metric.Accuracy]);
        // model.fit(train_images, train_labels, epochs=5, batch_size=128)
        TrainingHistory history = model.Fit(
            data.Train, epochs: options.Epochs, batchSize: options.BatchSize,
            validationData: options.PlotPath is null ? null : data.Test, rawPixels: options.RawPixels, progress: output);
        // test_loss, test_acc = model.evaluate(test_images, test_labels)
        EvaluationResult test = model.Evaluate(data.Test, options.RawPixels);
        return new MnistRun(history.Epochs, history.Accuracy[^1], test.Loss, test.Accuracy!.Value, history.TrainingSeconds);
    }
}
