using System;
using System.Globalization;
using System.IO;
using AutoDiffGen.Tests.Data;
using ParabolaSample;
using ToyRegressionSample;
using TransformsSample;

namespace AutoDiffGen.Tests.Walkthrough;

/// <summary>
/// Every sample's <c>--plot FILE.png</c> writes a PNG of the promised size; the option is checked like the others;
/// a plot that cannot be written is an error message and exit code 1, not a crash.
/// </summary>
public sealed class PlotTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();

    /// <summary>What an app entry point returned and wrote.</summary>
    private sealed record AppRun(int ExitCode, string Output, string Error);

    private static AppRun RunApp(string sample, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using var error = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        int exitCode = sample switch
        {
            "Parabola" => ParabolaApp.Run(args, output, error),
            "ToyRegression" => ToyRegressionApp.Run(args, output, error),
            "Transforms" => TransformsApp.Run(args, output, error),
            _ => throw new ArgumentOutOfRangeException(nameof(sample), sample, "No such sample."),
        };
        return new AppRun(exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("Transforms", TransformsPlot.Width, TransformsPlot.Height)]
    [InlineData("Parabola", ParabolaPlot.Width, ParabolaPlot.Height)]
    [InlineData("ToyRegression", ToyRegressionPlot.Width, ToyRegressionPlot.Height)]
    public void Plot_option_writes_a_png_of_the_promised_size(string sample, int width, int height)
    {
        string path = _directory.Combine(sample.ToLowerInvariant() + ".png");

        AppRun run = RunApp(sample, "--plot", path);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.EndsWith($"Plot written to {path}\n", run.Output, StringComparison.Ordinal);
        Assert.Equal((width, height), PngHeader.Read(path));
    }

    [Theory]
    [InlineData("Transforms")]
    [InlineData("Parabola")]
    [InlineData("ToyRegression")]
    public void Plot_option_creates_a_missing_folder_and_takes_name_equals_value(string sample)
    {
        string path = _directory.Combine(Path.Combine("new", "folder", sample + ".PNG"));

        AppRun run = RunApp(sample, "--plot=" + path);

        Assert.Equal(0, run.ExitCode);
        PngHeader.Read(path);
    }

    [Fact]
    public void Parabola_plot_of_a_diverging_run_is_still_written()
    {
        // Rate 1.5 sends x to 3·(−2)^k; after 1200 steps that overflows to infinity, which the plot leaves out.
        string path = _directory.Combine("diverging.png");

        AppRun run = RunApp("Parabola", "--steps", "1200", "--rate", "1.5", "--plot", path);

        Assert.Equal(0, run.ExitCode);
        PngHeader.Read(path);
    }

    [Fact]
    public void Toy_regression_plot_of_a_diverging_run_is_still_written()
    {
        string path = _directory.Combine("diverging.png");

        AppRun run = RunApp("ToyRegression", "--epochs", "3000", "--rate", "5", "--plot", path);

        Assert.Equal(0, run.ExitCode);
        PngHeader.Read(path);
    }

    [Theory]
    [InlineData("Transforms", "out.jpg")]
    [InlineData("Parabola", "out.jpg")]
    [InlineData("ToyRegression", "plot")]
    [InlineData("Transforms", ".png")]
    public void Plot_file_not_ending_in_png_exits_with_code_2_and_names_the_value(string sample, string value)
    {
        AppRun run = RunApp(sample, "--plot", value);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: invalid value '{value}' for option '--plot': expected a file name ending in .png\n", run.Error, StringComparison.Ordinal);
        Assert.Contains("usage: " + sample, run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [InlineData("Transforms")]
    [InlineData("Parabola")]
    [InlineData("ToyRegression")]
    public void Plot_option_without_a_value_exits_with_code_2(string sample)
    {
        AppRun run = RunApp(sample, "--plot");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: option '--plot' needs a value", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Transforms")]
    [InlineData("Parabola")]
    [InlineData("ToyRegression")]
    public void Plot_that_cannot_be_written_exits_with_code_1_after_the_run(string sample)
    {
        // A file where the folder should be: creating the folder fails, whoever runs the test (root included).
        string blocker = _directory.Write("blocker", [1, 2, 3]);
        string path = Path.Combine(blocker, "plot.png");

        AppRun run = RunApp(sample, "--plot", path);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: cannot write the plot '{path}': ", run.Error, StringComparison.Ordinal);
        Assert.NotEqual("", run.Output);
        Assert.DoesNotContain("Plot written", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Transforms_without_arguments_prints_both_parts_and_writes_no_plot()
    {
        AppRun run = RunApp("Transforms");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.StartsWith("Matrices moving a square.", run.Output, StringComparison.Ordinal);
        Assert.Contains("A two-layer network in disguise.", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Plot written", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Transforms_help_prints_the_usage(string option)
    {
        AppRun run = RunApp("Transforms", option);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("usage: Transforms [--plot FILE.png]\n", run.Output);
    }

    [Fact]
    public void Transforms_rejects_an_unknown_argument()
    {
        AppRun run = RunApp("Transforms", "--steps", "3");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: unknown argument '--steps'\nusage: Transforms [--plot FILE.png]\n", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Toy_regression_history_has_every_epoch_from_the_start_to_the_end()
    {
        ToyRegressionResult result = ToyRegression.Run(TextWriter.Null, epochs: 2000, rate: 0.1);

        Assert.Equal(2001, result.History.Count);
        for (int epoch = 0; epoch <= 2000; epoch++)
        {
            Assert.Equal(epoch, result.History[epoch].Epoch);
        }
        AssertEntry(new EpochReport(0, 0.5, 0.0, result.InitialMse), result.History[0]);
        AssertEntry(new EpochReport(2000, result.W, result.B, result.Mse), result.History[^1]);
        // Each entry's loss is the loss at that entry's parameters, and the printed log lines are among the entries.
        foreach (EpochReport entry in result.History)
        {
            Assert.Equal(ToyRegressionModel.Mse(entry.W, entry.B, [.. ToyRegression.X], [.. ToyRegression.Y]), entry.Mse, 1e-15);
        }
        foreach (EpochReport report in result.Reports)
        {
            AssertEntry(report, result.History[report.Epoch]);
        }
    }

    // The history takes its loss from the generated gradient's value, the log from Mse: the same sum, maybe not the same last bit.
    private static void AssertEntry(EpochReport expected, EpochReport actual)
    {
        Assert.Equal(expected.Epoch, actual.Epoch);
        Assert.Equal(expected.W, actual.W);
        Assert.Equal(expected.B, actual.B);
        Assert.Equal(expected.Mse, actual.Mse, 1e-15);
    }

    [Fact]
    public void Toy_regression_history_of_a_long_run_keeps_every_kth_epoch_and_the_last()
    {
        // 25,000 epochs > 10,000, so every 3rd epoch: 0, 3, …, 24,999 (8,334 entries), then 25,000.
        ToyRegressionResult result = ToyRegression.Run(TextWriter.Null, epochs: 25_000, rate: 0.1);

        Assert.Equal(8335, result.History.Count);
        Assert.Equal(0, result.History[0].Epoch);
        Assert.Equal(3, result.History[1].Epoch);
        Assert.Equal(24_999, result.History[^2].Epoch);
        Assert.Equal(25_000, result.History[^1].Epoch);
    }
}
