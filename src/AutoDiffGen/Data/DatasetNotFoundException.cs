using System.Collections.Generic;
using System.IO;

namespace AutoDiffGen.Data;

/// <summary>
/// Thrown by <see cref="MnistLocator"/> when no source gave usable files. The message lists every source tried
/// and why it failed, and says how to supply the files by hand.
/// </summary>
public sealed class DatasetNotFoundException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full explanation, including how to supply the files by hand.</param>
    /// <param name="attempts">One line per source tried, saying why it failed.</param>
    public DatasetNotFoundException(string message, IReadOnlyList<string> attempts)
        : base(message)
    {
        Attempts = attempts;
    }

    /// <summary>One line per source tried, in order, saying why it failed.</summary>
    public IReadOnlyList<string> Attempts { get; }
}
