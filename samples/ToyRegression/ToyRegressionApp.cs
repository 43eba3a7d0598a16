using System.IO;
using AutoDiffGen.Samples;

namespace ToyRegressionSample;

/// <summary>
/// The command line of the sample: <c>--epochs N</c>, <c>--rate R</c> and <c>--plot FILE.png</c>; trains, draws the fit
/// and the loss when asked, and returns the exit code.
/// </summary>
public static class ToyRegressionApp
{
    /// <summary>The number of epochs when <c>--epochs</c> is not given.</summary>
    public const int DefaultEpochs = 2000;

    /// <summary>The largest accepted <c>--epochs</c>.</summary>
    public const int MaxEpochs = 100_000_000;

    /// <summary>The learning rate when <c>--rate</c> is not given.</summary>
    public const double DefaultRate = 0.1;

    /// <summary>Exit code for success, and for <c>--help</c>.</summary>
    public const int Success = DescentCommandLine.Success;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = DescentCommandLine.UsageError;

    /// <summary>Exit code when training ran but the <c>--plot</c> file could not be written.</summary>
    public const int PlotWriteFailed = PlotFile.WriteFailed;

    private static readonly DescentCommandLine s_commandLine = new("ToyRegression", "--epochs", DefaultEpochs, MaxEpochs, DefaultRate);

    /// <summary>The usage line printed with errors and for <c>--help</c>.</summary>
    public static string Usage => s_commandLine.Usage;

    /// <summary>Runs the sample with command-line <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        s_commandLine.Run(args, output, error, static (writer, options) =>
        {
            ToyRegressionResult result = ToyRegression.Run(writer, options.Count, options.Rate);
            return path => ToyRegressionPlot.Save(path, result, options.Rate);
        });
}
