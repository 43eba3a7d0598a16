using System;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// Training stopped because the loss or a gradient became NaN or infinite. The model keeps the weights it had before
/// the step that diverged.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public TrainingDivergedException()
        : this("Training diverged: the loss or a gradient became NaN or infinite.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What diverged, and where.</param>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What diverged, and where.</param>
    /// <param name="innerException">The cause.</param>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the step that diverged.</summary>
    /// <param name="message">What diverged.</param>
    /// <param name="epoch">The 1-based epoch.</param>
    /// <param name="step">The 1-based step (batch) within the epoch.</param>
    /// <param name="stepsPerEpoch">How many steps the epoch has.</param>
    public TrainingDivergedException(string message, int epoch, int step, int stepsPerEpoch)
        : base(message)
    {
        Epoch = epoch;
        Step = step;
        StepsPerEpoch = stepsPerEpoch;
    }

    /// <summary>The 1-based epoch in which training diverged; 0 when unknown.</summary>
    public int Epoch { get; }

    /// <summary>The 1-based step (batch) within <see cref="Epoch"/> that diverged; 0 when unknown.</summary>
    public int Step { get; }

    /// <summary>How many steps that epoch has; 0 when unknown.</summary>
    public int StepsPerEpoch { get; }
}
