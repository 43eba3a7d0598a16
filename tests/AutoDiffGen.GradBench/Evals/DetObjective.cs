using System;
using AutoDiffGen;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>GradBench's <c>det</c> eval: the determinant of an ℓ×ℓ matrix.</summary>
public static partial class DetObjective
{
    /// <summary>
    /// The determinant of the row-major ℓ×ℓ matrix <paramref name="a"/>, by Gaussian elimination with partial
    /// pivoting on a copy: the product of the pivots, negated once per row swap. GradBench's reference expands by
    /// minors instead, which takes ℓ! steps; both are exact algorithms, so the values agree to rounding.
    /// </summary>
    [Differentiable]
    public static double Determinant(double[] a, int ell)
    {
        double[] m = new double[ell * ell];
        for (int i = 0; i < ell * ell; i++)
        {
            m[i] = a[i];
        }
        double determinant = 1;
        for (int column = 0; column < ell; column++)
        {
            // The largest pivot in magnitude keeps the multipliers at most 1, so rounding errors do not grow.
            int pivot = column;
            double largest = Math.Abs(m[column * ell + column]);
            for (int row = column + 1; row < ell; row++)
            {
                double candidate = Math.Abs(m[row * ell + column]);
                if (candidate > largest)
                {
                    largest = candidate;
                    pivot = row;
                }
            }
            if (largest == 0)
            {
                return 0; // the column is zero below the diagonal: the matrix is singular
            }
            if (pivot != column)
            {
                for (int j = column; j < ell; j++)
                {
                    double swapped = m[column * ell + j];
                    m[column * ell + j] = m[pivot * ell + j];
                    m[pivot * ell + j] = swapped;
                }
                determinant = -determinant;
            }
            double diagonal = m[column * ell + column];
            determinant *= diagonal;
            for (int row = column + 1; row < ell; row++)
            {
                double factor = m[row * ell + column] / diagonal;
                for (int j = column + 1; j < ell; j++)
                {
                    m[row * ell + j] -= factor * m[column * ell + j];
                }
            }
        }
        return determinant;
    }
}
