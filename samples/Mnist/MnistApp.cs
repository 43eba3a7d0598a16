using System;
using System.Globalization;
using System.IO;
using AutoDiffGen.Data;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Samples;
using AutoDiffGen.Tensors;

namespace MnistSample;

/// <summary>
/// The sample's main program: find and load MNIST, train the Keras program's network, evaluate it, and end with the
/// three lines <c>train_acc</c>, <c>test_acc</c> and <c>train_seconds</c>.
/// </summary>
public static class MnistApp
{
    /// <summary>Exit code for success, and for <c>--help</c>.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the data cannot be found, training diverges, or the plot cannot be written.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Runs the sample with command-line <paramref name="args"/>; returns the process exit code.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="output">Receives the log, the progress lines and the results.</param>
    /// <param name="error">Receives usage errors and failures.</param>
    /// <returns><see cref="Success"/>, <see cref="Failure"/> or <see cref="UsageError"/>.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        MnistParseResult parsed = MnistCommandLine.Parse(args);
        if (parsed.Error is not null)
        {
            error.WriteLine($"error: {parsed.Error}");
            error.WriteLine(MnistCommandLine.Usage);
            return UsageError;
        }
        if (parsed.Options is not MnistOptions options)
        {
            output.WriteLine(MnistCommandLine.Usage);
            return Success;
        }

        try
        {
            MnistRun run = Run(options, output, error);
            return run.PlotFailed ? PlotFile.WriteFailed : Success;
        }
        catch (Exception e) when (e is DatasetNotFoundException or TrainingDivergedException)
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
    }

    /// <summary>Loads the data, trains and evaluates with <paramref name="options"/>, and prints the results.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="output">Receives the log, the progress lines and the results.</param>
    /// <param name="error">Receives the reason when the plot cannot be written.</param>
    /// <returns>The accuracies and the training time.</returns>
    public static MnistRun Run(MnistOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (options.Threads is int threads)
        {
            TensorParallelism.MaxThreads = threads;
        }

        var locator = new MnistLocator(new MnistLocatorOptions { DataDirectory = options.DataDirectory, Log = output });
        MnistDataset data = locator.LoadDataset();
        output.WriteLine(Invariant(
            $"Loaded {data.Train.Count} training and {data.Test.Count} test images of {MnistSplit.ImageRows}x{MnistSplit.ImageColumns}, flattened to {MnistSplit.PixelsPerImage}; pixels {(options.RawPixels ? "raw, 0-255" : "scaled to [0, 1]")}."));
        output.WriteLine(Invariant(
            $"Model: Dense(512, relu), Dense(10, softmax); loss sparse categorical cross-entropy; {options.DescribeOptimizer(data.Train.Count)}; {options.Epochs} epochs of batch {options.BatchSize}; seed {options.Seed}; {TensorParallelism.MaxThreads} thread(s); {(options.Functional ? "functional: FunctionalMnist.LossGradient" : "Sequential API")}."));

        MnistRun run = options.Functional
            ? FunctionalMnist.Train(data, options, output)
            : SequentialMnist.Train(data, options, output);

        output.WriteLine(Invariant($"Test: loss {run.TestLoss:0.0000}, accuracy {run.TestAccuracy:0.0000}"));
        if (options.PlotPath is string plotPath)
        {
            if (!PlotFile.TryWrite(plotPath, path => TrainingPlot.Save(path, run.Epochs), output, error))
            {
                run = run with { PlotFailed = true };
            }
            output.WriteLine(Invariant(
                $"Train/test accuracy gap after the last epoch: {run.TrainAccuracy:0.0000} - {run.TestAccuracy:0.0000} = {run.TrainAccuracy - run.TestAccuracy:+0.0000;-0.0000;0.0000}"));
        }
        output.WriteLine(Invariant($"train_acc = {run.TrainAccuracy:0.0000}"));
        output.WriteLine(Invariant($"test_acc = {run.TestAccuracy:0.0000}"));
        output.WriteLine(Invariant($"train_seconds = {run.TrainSeconds:0.00}"));
        return run;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
