using System;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>A message or input that does not have the fields, types or shapes its eval defines.</summary>
public sealed class InvalidInputException : Exception
{
    /// <summary>Creates the exception with a message that names the offending field.</summary>
    public InvalidInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public InvalidInputException()
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public InvalidInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
