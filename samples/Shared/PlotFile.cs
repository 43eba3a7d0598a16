using System;
using System.IO;

namespace AutoDiffGen.Samples;

/// <summary>
/// The <c>--plot FILE.png</c> option that every sample accepts: checks the file name when the command line is parsed,
/// and writes the picture after the sample has run, turning a file-system failure into a message and an exit code
/// rather than a stack trace.
/// </summary>
/// <remarks>Compiled into each sample (see the samples' project files), so the type is <c>internal</c>.</remarks>
internal static class PlotFile
{
    /// <summary>The option's name, with its dashes.</summary>
    public const string Option = "--plot";

    /// <summary>The option as it reads in a usage line.</summary>
    public const string Usage = "[--plot FILE.png]";

    /// <summary>Exit code when the sample ran but its plot could not be written.</summary>
    public const int WriteFailed = 1;

    /// <summary>
    /// Returns why <paramref name="value"/> cannot name the plot file, or null when it can: it must end in <c>.png</c>
    /// (any case), since the picture is always a PNG and a file named otherwise would mislead.
    /// </summary>
    public static string? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > ".png".Length && value.EndsWith(".png", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"invalid value '{value}' for option '{Option}': expected a file name ending in .png";
    }

    /// <summary>
    /// Creates the folder of <paramref name="path"/> when it is missing, lets <paramref name="draw"/> write the PNG to
    /// the full path, and reports where it went on <paramref name="output"/>. Returns false, after writing the error to
    /// <paramref name="error"/>, when the file system refuses.
    /// </summary>
    public static bool TryWrite(string path, Action<string> draw, TextWriter output, TextWriter error)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(draw);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        string fullPath = Path.GetFullPath(path);
        try
        {
            string? folder = Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
            draw(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write the plot '{path}': {e.Message}");
            return false;
        }

        output.WriteLine();
        output.WriteLine($"Plot written to {fullPath}");
        return true;
    }
}
