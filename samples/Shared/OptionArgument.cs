using System;

namespace AutoDiffGen.Samples;

/// <summary>Splits a command-line argument written <c>--name=value</c> into its name and value.</summary>
internal static class OptionArgument
{
    /// <summary>
    /// <c>("--name", "value")</c> for <c>--name=value</c>; the argument itself and null otherwise (the value, if any,
    /// is then the next argument).
    /// </summary>
    public static (string Name, string? Value) Split(string argument)
    {
        int equals = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (argument[..equals], argument[(equals + 1)..])
            : (argument, null);
    }
}
