using System;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>Activation functions as [Differentiable] methods; their pullbacks are generated.</summary>
public static partial class Activations
{
    /// <summary>max(x, 0), elementwise. The derivative at 0 is 1 (Max passes a tie to its first argument).</summary>
    [Differentiable]
    public static Tensor Relu(Tensor x)
    {
        Tensor y = Tensor.ZerosLike(x);
        for (int i = 0; i < x.Length; i++)
        {
            // Max rather than a conditional: half the signs are unpredictable, and Max compiles without a branch.
            y[i] = MathF.Max(x[i], 0f);
        }
        return y;
    }

    /// <summary>1 / (1 + e⁻ˣ), elementwise.</summary>
    [Differentiable]
    public static Tensor Sigmoid(Tensor x)
    {
        Tensor y = Tensor.ZerosLike(x);
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = 1f / (1f + MathF.Exp(-x[i]));
        }
        return y;
    }

    /// <summary>tanh(x), elementwise.</summary>
    [Differentiable]
    public static Tensor Tanh(Tensor x)
    {
        Tensor y = Tensor.ZerosLike(x);
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = MathF.Tanh(x[i]);
        }
        return y;
    }

    /// <summary>
    /// Softmax of each row: eˣ / Σ eˣ, computed as e^(x − max) so that large inputs do not overflow.
    /// </summary>
    [Differentiable]
    public static Tensor Softmax(Tensor x)
    {
        Tensor y = Tensor.ZerosLike(x);
        int columns = x.Columns;
        for (int row = 0; row < x.Rows; row++)
        {
            float max = x[row, 0];
            for (int column = 1; column < columns; column++)
            {
                max = MathF.Max(max, x[row, column]);
            }
            float sum = 0f;
            for (int column = 0; column < columns; column++)
            {
                float exponential = MathF.Exp(x[row, column] - max);
                y[row, column] = exponential;
                sum += exponential;
            }
            for (int column = 0; column < columns; column++)
            {
                y[row, column] = y[row, column] / sum;
            }
        }
        return y;
    }
}
