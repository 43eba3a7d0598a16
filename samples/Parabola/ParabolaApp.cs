using System.IO;
using AutoDiffGen.Samples;

namespace ParabolaSample;

/// <summary>
/// The command line of the sample: <c>--steps N</c>, <c>--rate R</c> and <c>--plot FILE.png</c>; runs the descents,
/// draws the parabola's when asked, and returns the exit code.
/// </summary>
public static class ParabolaApp
{
    /// <summary>The number of steps when <c>--steps</c> is not given.</summary>
    public const int DefaultSteps = 20;

    /// <summary>The largest accepted <c>--steps</c>.</summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>The learning rate when <c>--rate</c> is not given.</summary>
    public const double DefaultRate = 0.1;

    /// <summary>Exit code for success, and for <c>--help</c>.</summary>
    public const int Success = DescentCommandLine.Success;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = DescentCommandLine.UsageError;

    /// <summary>Exit code when the descents ran but the <c>--plot</c> file could not be written.</summary>
    public const int PlotWriteFailed = PlotFile.WriteFailed;

    private static readonly DescentCommandLine s_commandLine = new("Parabola", "--steps", DefaultSteps, MaxSteps, DefaultRate);

    /// <summary>The usage line printed with errors and for <c>--help</c>.</summary>
    public static string Usage => s_commandLine.Usage;

    /// <summary>Runs the sample with command-line <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        s_commandLine.Run(args, output, error, static (writer, options) =>
        {
            ParabolaDemoResult result = ParabolaDescent.Run(writer, options.Count, options.Rate);
            return path => ParabolaPlot.Save(path, result.Parabola, options.Rate);
        });
}
