using System;
using System.IO;

namespace ToyRegressionSample;

/// <summary>The command line of the sample: parses the options, trains and returns the exit code.</summary>
public static class ToyRegressionApp
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

        ToyRegressionOptions.ParseResult parsed = ToyRegressionOptions.Parse(args);
        if (parsed.Error is not null)
        {
            error.WriteLine($"error: {parsed.Error}");
            error.WriteLine(ToyRegressionOptions.Usage);
            return UsageError;
        }
        if (parsed.Options is null)
        {
            output.WriteLine(ToyRegressionOptions.Usage);
            return Success;
        }

        ToyRegression.Run(output, parsed.Options.Epochs, parsed.Options.Rate);
        return Success;
    }
}
