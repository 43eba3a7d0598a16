using System;
using System.Collections.Generic;
using System.IO;
using AutoDiffGen.Samples;

namespace TransformsSample;

/// <summary>
/// The command line of the sample: <c>--plot FILE.png</c> and <c>--help</c>. Prints the square's transforms and the
/// two-layer network in disguise, draws the square's when asked, and returns the exit code.
/// </summary>
public static class TransformsApp
{
    /// <summary>Exit code for success, and for <c>--help</c>.</summary>
    public const int Success = DescentCommandLine.Success;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = DescentCommandLine.UsageError;

    /// <summary>Exit code when the sample ran but the <c>--plot</c> file could not be written.</summary>
    public const int PlotWriteFailed = PlotFile.WriteFailed;

    /// <summary>The usage line printed with errors and for <c>--help</c>.</summary>
    public const string Usage = "usage: Transforms " + PlotFile.Usage;

    /// <summary>Runs the sample with command-line <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        (bool help, string? plotPath, string? problem) = Parse(args);
        if (problem is not null)
        {
            error.WriteLine($"error: {problem}");
            error.WriteLine(Usage);
            return UsageError;
        }
        if (help)
        {
            output.WriteLine(Usage);
            return Success;
        }

        SquareImages images = SquareTransforms.Run(output);
        NetworkInDisguise.Run(output);
        if (plotPath is not null && !PlotFile.TryWrite(plotPath, path => TransformsPlot.Save(path, images), output, error))
        {
            return PlotWriteFailed;
        }
        return Success;
    }

    /// <summary>Parses <c>--plot FILE.png</c> (also <c>--plot=FILE.png</c>) and <c>--help</c>.</summary>
    private static (bool Help, string? PlotPath, string? Problem) Parse(IReadOnlyList<string> args)
    {
        string? plotPath = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
            {
                return (true, null, null);
            }

            string? value = null;
            if (arg.StartsWith(PlotFile.Option + "=", StringComparison.Ordinal))
            {
                value = arg[(PlotFile.Option.Length + 1)..];
            }
            else if (arg == PlotFile.Option)
            {
                if (i + 1 >= args.Count)
                {
                    return (false, null, $"option '{PlotFile.Option}' needs a value");
                }
                value = args[++i];
            }
            else
            {
                return (false, null, $"unknown argument '{arg}'");
            }

            if (PlotFile.Check(value) is string problem)
            {
                return (false, null, problem);
            }
            plotPath = value;
        }
        return (false, plotPath, null);
    }
}
