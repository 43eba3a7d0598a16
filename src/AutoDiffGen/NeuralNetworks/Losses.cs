using System;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Losses as [Differentiable] methods: each returns the mean over the batch, and its gradient is generated.</summary>
public static partial class Losses
{
    /// <summary>Probabilities are clipped to [ε, 1 − ε] before the logarithm, as Keras does.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>The mean of (prediction − target)² over every element.</summary>
    [Differentiable]
    public static float MeanSquaredError(Tensor predictions, [NoDerivative] Tensor targets)
    {
        float sum = 0f;
        for (int i = 0; i < predictions.Length; i++)
        {
            float error = predictions[i] - targets[i];
            sum += error * error;
        }
        return sum / predictions.Length;
    }

    /// <summary>−Σ target · log(probability) per row, averaged over the rows; targets are one-hot (or any distribution).</summary>
    [Differentiable]
    public static float CategoricalCrossEntropy(Tensor probabilities, [NoDerivative] Tensor targets)
    {
        float sum = 0f;
        for (int i = 0; i < probabilities.Length; i++)
        {
            sum -= targets[i] * MathF.Log(Math.Clamp(probabilities[i], Epsilon, 1f - Epsilon));
        }
        return sum / probabilities.Rows;
    }

    /// <summary>−log(probability of the true class) per row, averaged over the rows; <paramref name="labels"/> hold class indices.</summary>
    [Differentiable]
    public static float SparseCategoricalCrossEntropy(Tensor probabilities, [NoDerivative] int[] labels)
    {
        float sum = 0f;
        for (int row = 0; row < probabilities.Rows; row++)
        {
            sum -= MathF.Log(Math.Clamp(probabilities[row, labels[row]], Epsilon, 1f - Epsilon));
        }
        return sum / probabilities.Rows;
    }

    /// <summary>
    /// Softmax followed by sparse categorical cross-entropy, fused and stable: per row, log Σ e^(x − max) − (x_label − max).
    /// Takes logits, not probabilities.
    /// </summary>
    [Differentiable]
    public static float SoftmaxCrossEntropy(Tensor logits, [NoDerivative] int[] labels)
    {
        float total = 0f;
        int columns = logits.Columns;
        for (int row = 0; row < logits.Rows; row++)
        {
            float max = logits[row, 0];
            for (int column = 1; column < columns; column++)
            {
                max = MathF.Max(max, logits[row, column]);
            }
            float sum = 0f;
            for (int column = 0; column < columns; column++)
            {
                sum += MathF.Exp(logits[row, column] - max);
            }
            total += MathF.Log(sum) - (logits[row, labels[row]] - max);
        }
        return total / logits.Rows;
    }
}
