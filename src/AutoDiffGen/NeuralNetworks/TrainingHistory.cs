using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>The outcome of one training epoch, as Keras prints it at the end of the epoch.</summary>
/// <param name="Epoch">The 1-based epoch.</param>
/// <param name="Epochs">How many epochs the <c>Fit</c> call runs.</param>
/// <param name="Steps">The number of steps (batches) in the epoch.</param>
/// <param name="Loss">The mean training loss over the epoch's examples, each batch's loss taken before its step (as Keras reports it).</param>
/// <param name="Accuracy">The training accuracy over the epoch, measured like <paramref name="Loss"/>; null without <see cref="Metric.Accuracy"/>.</param>
/// <param name="ValidationLoss">The loss on the validation data after the epoch; null without validation data.</param>
/// <param name="ValidationAccuracy">The accuracy on the validation data after the epoch; null without validation data or the metric.</param>
/// <param name="Seconds">The wall time of the epoch's training steps, validation excluded.</param>
public sealed record EpochResult(
    int Epoch, int Epochs, int Steps, double Loss, double? Accuracy, double? ValidationLoss, double? ValidationAccuracy, double Seconds)
{
    /// <summary>
    /// The Keras-style progress line, for example
    /// <c>Epoch 1/5 - 469/469 - 2.1s 4ms/step - loss: 0.2573 - accuracy: 0.9254 - val_loss: 0.1301 - val_accuracy: 0.9612</c>.
    /// </summary>
    public string ToProgressLine()
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        var line = new StringBuilder();
        double msPerStep = Steps == 0 ? 0 : Seconds * 1000 / Steps;
        line.Append(invariant, $"Epoch {Epoch}/{Epochs} - {Steps}/{Steps} - {Seconds:0.0}s {msPerStep:0}ms/step - loss: {Loss:0.0000}");
        if (Accuracy is double accuracy)
        {
            line.Append(invariant, $" - accuracy: {accuracy:0.0000}");
        }
        if (ValidationLoss is double validationLoss)
        {
            line.Append(invariant, $" - val_loss: {validationLoss:0.0000}");
        }
        if (ValidationAccuracy is double validationAccuracy)
        {
            line.Append(invariant, $" - val_accuracy: {validationAccuracy:0.0000}");
        }
        return line.ToString();
    }
}

/// <summary>What <c>Fit</c> returns: one <see cref="EpochResult"/> per epoch, like Keras' <c>History.history</c>.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochResult> epochs)
    {
        Epochs = epochs;
    }

    /// <summary>The epochs in order.</summary>
    public IReadOnlyList<EpochResult> Epochs { get; }

    /// <summary>The training loss per epoch.</summary>
    public IReadOnlyList<double> Loss => Select(e => e.Loss);

    /// <summary>The training accuracy per epoch (NaN where it was not measured).</summary>
    public IReadOnlyList<double> Accuracy => Select(e => e.Accuracy ?? double.NaN);

    /// <summary>The validation loss per epoch (NaN where there was no validation data).</summary>
    public IReadOnlyList<double> ValidationLoss => Select(e => e.ValidationLoss ?? double.NaN);

    /// <summary>The validation accuracy per epoch (NaN where it was not measured).</summary>
    public IReadOnlyList<double> ValidationAccuracy => Select(e => e.ValidationAccuracy ?? double.NaN);

    /// <summary>The wall time of all training epochs, validation excluded.</summary>
    public double TrainingSeconds
    {
        get
        {
            double total = 0;
            foreach (EpochResult epoch in Epochs)
            {
                total += epoch.Seconds;
            }
            return total;
        }
    }

    private double[] Select(Func<EpochResult, double> value)
    {
        var values = new double[Epochs.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = value(Epochs[i]);
        }
        return values;
    }
}

/// <summary>What <c>Evaluate</c> returns: the mean loss and the accuracy over the examples.</summary>
/// <param name="Loss">The mean loss over the examples.</param>
/// <param name="Accuracy">The fraction predicted correctly; null when the model was compiled without <see cref="Metric.Accuracy"/>.</param>
/// <param name="Count">The number of examples.</param>
public sealed record EvaluationResult(double Loss, double? Accuracy, int Count);
