using Microsoft.CodeAnalysis.Text;

namespace AutoDiffGen.Generator.Tests;

/// <summary>Source text with one span marked as <c>[|...|]</c>, for asserting where a diagnostic points.</summary>
public static class Markup
{
    public static (string Source, TextSpan Span) Parse(string markedSource)
    {
        int start = markedSource.IndexOf("[|", System.StringComparison.Ordinal);
        int end = markedSource.IndexOf("|]", System.StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new System.ArgumentException("The source must mark one span with [| and |].", nameof(markedSource));
        }
        string source = markedSource.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
