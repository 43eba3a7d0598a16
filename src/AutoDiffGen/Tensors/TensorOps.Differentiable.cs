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
}
