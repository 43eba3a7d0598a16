using System;

namespace AutoDiffGen.Tensors;

/// <summary>Tensor operations whose derivatives the generator writes.</summary>
public static partial class TensorOps
{
    /// <summary>Adds the vector <paramref name="bias"/> to every row of <paramref name="matrix"/>.</summary>
    /// <param name="matrix">A [rows, columns] matrix.</param>
    /// <param name="bias">A vector of <c>columns</c> elements.</param>
    [Differentiable]
    public static Tensor AddBias(Tensor matrix, Tensor bias)
    {
        Tensor sum = Tensor.ZerosLike(matrix);
        int columns = matrix.Columns;
        for (int row = 0; row < matrix.Rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                sum[row, column] = matrix[row, column] + bias[column];
            }
        }
        return sum;
    }

    /// <summary>
    /// max(matrix + bias, 0): <see cref="AddBias"/> and <see cref="NeuralNetworks.Activations.Relu"/> in one pass, so that
    /// a ReLU layer reads and writes its [rows, columns] values once forward and once backward instead of twice.
    /// </summary>
    /// <param name="matrix">A [rows, columns] matrix.</param>
    /// <param name="bias">A vector of <c>columns</c> elements.</param>
    /// <remarks>The derivative at 0 is 1, as for <see cref="NeuralNetworks.Activations.Relu"/>.</remarks>
    [Differentiable]
    public static Tensor AddBiasRelu(Tensor matrix, Tensor bias)
    {
        Tensor activated = Tensor.ZerosLike(matrix);
        int columns = matrix.Columns;
        for (int row = 0; row < matrix.Rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                activated[row, column] = MathF.Max(matrix[row, column] + bias[column], 0f);
            }
        }
        return activated;
    }
}
