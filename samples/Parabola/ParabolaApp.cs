using System;
using System.IO;

namespace ParabolaSample;

/// <summary>The command line of the sample: parses the options, runs the descents and returns the exit code.</summary>
public static class ParabolaApp
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageError = 2;

    /// <summary>Runs the sample with command-line <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        ParabolaOptions.ParseResult parsed = ParabolaOptions.Parse(args);
        if (parsed.Error is not null)
        {
            error.WriteLine($"error: {parsed.Error}");
            error.WriteLine(ParabolaOptions.Usage);
            return UsageError;
        }
        if (parsed.Options is null)
        {
            output.WriteLine(ParabolaOptions.Usage);
            return Success;
        }

        ParabolaDescent.Run(output, parsed.Options.Steps, parsed.Options.Rate);
        return Success;
    }
}
