using System;
using System.Globalization;
using System.IO;
using AutoDiffGen.NeuralNetworks;
using MnistSample;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>The MNIST sample's command line: defaults, every option in both spellings, and clear usage errors.</summary>
public class MnistSampleTests
{
    private static MnistOptions Parse(string commandLine)
    {
        MnistParseResult result = MnistCommandLine.Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Null(result.Error);
        return Assert.IsType<MnistOptions>(result.Options);
    }

    private static string ParseError(string commandLine)
    {
        MnistParseResult result = MnistCommandLine.Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Null(result.Options);
        return Assert.IsType<string>(result.Error);
    }

    [Fact]
    public void No_options_give_the_keras_programs_settings_with_a_decaying_learning_rate()
    {
        MnistOptions options = Parse("");

        Assert.Equal(new MnistOptions(Epochs: 5, BatchSize: 128, Seed: 42), options);
        Assert.False(options.RawPixels);
        Assert.False(options.Functional);
        Assert.Null(options.PlotPath);
        Assert.Null(options.Threads);
        Assert.Null(options.DataDirectory);
        Assert.Equal((0.003f, LearningRateDecay.Cosine), (options.LearningRate, options.Schedule));
    }

    [Fact]
    public void Every_option_is_read_with_a_space_or_an_equals_sign()
    {
        MnistOptions options = Parse("--epochs 2 --batch-size=64 --seed -3 --data /tmp/mnist --threads=1 --raw-pixels --plot out.png --functional");

        Assert.Equal(new MnistOptions(2, 64, -3, "/tmp/mnist", 1, true, "out.png", true), options);
        Assert.Equal(
            new MnistOptions(LearningRate: 0.001f, Schedule: LearningRateDecay.Constant),
            Parse("--learning-rate=0.001 --schedule constant"));
    }

    [Fact]
    public void The_default_optimizer_decays_three_times_the_keras_rate_to_zero_over_the_whole_run()
    {
        var options = new MnistOptions();
        RmsProp optimizer = options.CreateOptimizer(trainingImages: 60_000);

        CosineDecay schedule = Assert.IsType<CosineDecay>(optimizer.Schedule);
        Assert.Equal((0.003f, 5 * 469L, 0f), (schedule.InitialLearningRate, schedule.DecaySteps, schedule.Alpha));
        Assert.Equal((0.9f, 1e-7f), (optimizer.Rho, optimizer.Epsilon));
        Assert.Equal("RMSprop, learning rate 0.003 with cosine decay to 0 over 2345 steps", options.DescribeOptimizer(60_000));
    }

    [Fact]
    public void A_constant_schedule_gives_the_keras_programs_optimizer()
    {
        var options = new MnistOptions(Epochs: 3, LearningRate: 0.001f, Schedule: LearningRateDecay.Constant);
        RmsProp optimizer = options.CreateOptimizer(trainingImages: 60_000);

        Assert.Null(optimizer.Schedule);
        Assert.Equal(0.001f, optimizer.LearningRate);
        Assert.Equal("RMSprop, learning rate 0.001 (constant)", options.DescribeOptimizer(60_000));
    }

    [Theory]
    [InlineData("--epochs 0", "invalid value '0' for option '--epochs': expected a whole number from 1 to 10000")]
    [InlineData("--batch-size x", "invalid value 'x' for option '--batch-size': expected a whole number from 1 to 60000")]
    [InlineData("--threads 0", "invalid value '0' for option '--threads': expected a whole number from 1 to 1024")]
    [InlineData("--seed 1.5", "invalid value '1.5' for option '--seed': expected a whole number")]
    [InlineData("--plot out.svg", "invalid value 'out.svg' for option '--plot': expected a file name ending in .png")]
    [InlineData("--epochs", "option '--epochs' needs a value")]
    [InlineData("--raw-pixels=yes", "option '--raw-pixels' takes no value")]
    [InlineData("--learning-rate 0", "invalid value '0' for option '--learning-rate': expected a positive number such as 0.001")]
    [InlineData("--learning-rate NaN", "invalid value 'NaN' for option '--learning-rate': expected a positive number such as 0.001")]
    [InlineData("--schedule linear", "invalid value 'linear' for option '--schedule': expected 'cosine' or 'constant'")]
    [InlineData("--momentum 0.9", "unknown argument '--momentum'")]
    public void A_bad_option_is_named_in_the_error(string commandLine, string expected)
    {
        Assert.Equal(expected, ParseError(commandLine));
    }

    [Fact]
    public void A_bad_option_exits_with_code_2_and_prints_the_error_and_the_usage()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        int exitCode = MnistApp.Run(["--epochs", "-1"], output, error);

        Assert.Equal(MnistApp.UsageError, exitCode);
        Assert.Equal(2, exitCode);
        Assert.Empty(output.ToString());
        Assert.StartsWith("error: invalid value '-1' for option '--epochs'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(MnistCommandLine.Usage, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Help_prints_the_usage_and_exits_with_code_0()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);

        int exitCode = MnistApp.Run(["--epochs", "3", "--help"], output, error);

        Assert.Equal(0, exitCode);
        Assert.Contains("--raw-pixels", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }
}
