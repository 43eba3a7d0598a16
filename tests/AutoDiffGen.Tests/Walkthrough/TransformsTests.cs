using System;
using System.Globalization;
using System.IO;
using AutoDiffGen.Tensors;
using TransformsSample;

namespace AutoDiffGen.Tests.Walkthrough;

/// <summary>
/// The Transforms sample moves the square the way a hand calculation says: each matrix it returns and prints is
/// checked against values worked out here from the talk's definitions.
/// </summary>
public class TransformsTests
{
    // The columns of X: (0, 0), (0, 1), (1, 1), (1, 0), (0, 0), (0, 1).
    private static readonly double[,] s_square =
    {
        { 0, 0, 1, 1, 0, 0 },
        { 0, 1, 1, 0, 0, 1 },
    };

    // The rotation by 0.175 rad: a column (x, y) goes to (x·cos − y·sin, x·sin + y·cos).
    private static readonly double s_cos = Math.Cos(0.175);
    private static readonly double s_sin = Math.Sin(0.175);

    private static StringWriter NewWriter() => new(CultureInfo.InvariantCulture) { NewLine = "\n" };

    private static void AssertMatrix(double[,] expected, Tensor actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.GetLength(0), actual.Rows);
        Assert.Equal(expected.GetLength(1), actual.Columns);
        for (int r = 0; r < actual.Rows; r++)
        {
            for (int c = 0; c < actual.Columns; c++)
            {
                Assert.True(Math.Abs(expected[r, c] - actual[r, c]) <= tolerance,
                    $"element ({r}, {c}): expected {expected[r, c]}, got {actual[r, c]}");
            }
        }
    }

    [Fact]
    public void The_square_is_the_talks_2_by_6_matrix()
    {
        AssertMatrix(s_square, SquareTransforms.Compute().Square, tolerance: 0);
    }

    [Fact]
    public void Translation_adds_0_2_to_every_element()
    {
        double[,] expected =
        {
            { 0.2, 0.2, 1.2, 1.2, 0.2, 0.2 },
            { 0.2, 1.2, 1.2, 0.2, 0.2, 1.2 },
        };
        AssertMatrix(expected, SquareTransforms.Compute().Translated);
    }

    [Fact]
    public void Scale_by_the_half_identity_halves_every_coordinate()
    {
        // [[0.5, 0], [0, 0.5]]·(x, y) = (0.5x, 0.5y).
        double[,] expected =
        {
            { 0, 0, 0.5, 0.5, 0, 0 },
            { 0, 0.5, 0.5, 0, 0, 0.5 },
        };
        AssertMatrix(expected, SquareTransforms.Compute().Scaled);
    }

    [Fact]
    public void Rotation_sends_each_corner_to_its_cos_sin_image()
    {
        // (0, 0) stays; (0, 1) → (−sin, cos); (1, 1) → (cos − sin, sin + cos); (1, 0) → (cos, sin).
        double c = s_cos, s = s_sin;
        double[,] expected =
        {
            { 0, -s, c - s, c, 0, -s },
            { 0, c, s + c, s, 0, c },
        };
        AssertMatrix(expected, SquareTransforms.Compute().Rotated);
    }

    [Fact]
    public void Rotation_turns_the_square_counter_clockwise_by_0_175_rad_and_keeps_lengths()
    {
        Tensor rotated = SquareTransforms.Compute().Rotated;
        for (int column = 0; column < 6; column++)
        {
            double x = s_square[0, column], y = s_square[1, column];
            if (x == 0 && y == 0)
            {
                continue;
            }
            double angleBefore = Math.Atan2(y, x);
            double angleAfter = Math.Atan2(rotated[1, column], rotated[0, column]);
            // A positive change of angle is a counter-clockwise turn when y points up.
            Assert.Equal(0.175, angleAfter - angleBefore, 1e-6);
            Assert.Equal(Math.Sqrt(x * x + y * y), Math.Sqrt(rotated[0, column] * (double)rotated[0, column] + rotated[1, column] * (double)rotated[1, column]), 1e-6);
        }
    }

    [Fact]
    public void Affine_is_the_rotation_then_the_translation()
    {
        double c = s_cos, s = s_sin;
        double[,] expected =
        {
            { 0.2, 0.2 - s, 0.2 + c - s, 0.2 + c, 0.2, 0.2 - s },
            { 0.2, 0.2 + c, 0.2 + s + c, 0.2 + s, 0.2, 0.2 + c },
        };
        AssertMatrix(expected, SquareTransforms.Compute().Affine);
    }

    [Fact]
    public void The_matrices_that_move_the_square_are_the_talks()
    {
        AssertMatrix(new double[,] { { 0.5, 0 }, { 0, 0.5 } }, SquareTransforms.ScaleMatrix(), tolerance: 0);
        AssertMatrix(new double[,] { { s_cos, -s_sin }, { s_sin, s_cos } }, SquareTransforms.RotationMatrix());
    }

    // Each matrix as Tensor.ToString prints it (4 decimals at most): cos 0.175 = 0.98472…, sin 0.175 = 0.17410…, so
    // cos − sin = 0.81061…, sin + cos = 1.15883…, 0.2 − sin = 0.02589…, 0.2 + cos − sin = 1.01061…, 0.2 + sin + cos = 1.35883….
    [Theory]
    [InlineData("X", "[[0, 0, 1, 1, 0, 0]\n [0, 1, 1, 0, 0, 1]]")]
    [InlineData("X + 0.2", "[[0.2, 0.2, 1.2, 1.2, 0.2, 0.2]\n [0.2, 1.2, 1.2, 0.2, 0.2, 1.2]]")]
    [InlineData("S", "[[0.5, 0]\n [0, 0.5]]")]
    [InlineData("S*X", "[[0, 0, 0.5, 0.5, 0, 0]\n [0, 0.5, 0.5, 0, 0, 0.5]]")]
    [InlineData("R", "[[0.9847, -0.1741]\n [0.1741, 0.9847]]")]
    [InlineData("R*X", "[[0, -0.1741, 0.8106, 0.9847, 0, -0.1741]\n [0, 0.9847, 1.1588, 0.1741, 0, 0.9847]]")]
    [InlineData("R*X + 0.2", "[[0.2, 0.0259, 1.0106, 1.1847, 0.2, 0.0259]\n [0.2, 1.1847, 1.3588, 0.3741, 0.2, 1.1847]]")]
    public void Each_matrix_is_printed_with_its_name(string name, string rows)
    {
        using StringWriter output = NewWriter();
        SquareTransforms.Run(output);

        string shape = rows.Split('\n')[0].Split(',').Length == 2 ? "[2, 2]" : "[2, 6]";
        Assert.Contains($"\n{name} = Tensor {shape}\n{rows}\n", "\n" + output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_printout_says_which_way_the_rotation_turns()
    {
        using StringWriter output = NewWriter();
        SquareTransforms.Run(output);

        Assert.Contains("counter-clockwise about the origin by 0.175 rad (10.03 degrees)", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(" clockwise", output.ToString().Replace("counter-clockwise", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
