using System;
using System.IO;
using AutoDiffGen.Tensors;
using static System.FormattableString;

namespace TransformsSample;

/// <summary>The square and its four images, each a 2 × 6 matrix whose columns are points (x, y).</summary>
/// <param name="Square">X, the square.</param>
/// <param name="Translated">X + 0.2: every element moved by 0.2.</param>
/// <param name="Scaled">S·X with S = [[0.5, 0], [0, 0.5]].</param>
/// <param name="Rotated">R·X with R the rotation by 0.175 rad, counter-clockwise.</param>
/// <param name="Affine">R·X + 0.2: the rotation, then the translation.</param>
public sealed record SquareImages(Tensor Square, Tensor Translated, Tensor Scaled, Tensor Rotated, Tensor Affine);

/// <summary>
/// Moves a square with matrices, as the talk does: a translation, a scale, a rotation and an affine map, computed with
/// the runtime's <see cref="Tensor"/> and <see cref="TensorOps"/>.
/// </summary>
public static class SquareTransforms
{
    /// <summary>What the translation adds to every element.</summary>
    public const float Shift = 0.2f;

    /// <summary>The scale factor on the diagonal of <see cref="ScaleMatrix"/>.</summary>
    public const float ScaleFactor = 0.5f;

    /// <summary>The rotation angle in radians: 0.175 rad is 10.03°, the talk's "10 degrees".</summary>
    public const double Angle = 0.175;

    /// <summary>
    /// X = [[0, 0, 1, 1, 0, 0], [0, 1, 1, 0, 0, 1]]: its columns (0, 0), (0, 1), (1, 1), (1, 0), (0, 0), (0, 1) trace
    /// the unit square, going once round and on to the second corner again.
    /// </summary>
    public static Tensor Square() => Tensor.FromArray(2, 6,
    [
        0, 0, 1, 1, 0, 0,
        0, 1, 1, 0, 0, 1,
    ]);

    /// <summary>S = [[0.5, 0], [0, 0.5]]: halves both coordinates, so S·X is the square at half its size.</summary>
    public static Tensor ScaleMatrix() => Tensor.FromArray(2, 2,
    [
        ScaleFactor, 0,
        0, ScaleFactor,
    ]);

    /// <summary>
    /// R = [[cos θ, −sin θ], [sin θ, cos θ]] with θ = <see cref="Angle"/>. R·p turns a point p about the origin by θ
    /// counter-clockwise (with y pointing up); the talk calls this "negative 10 degrees".
    /// </summary>
    public static Tensor RotationMatrix()
    {
        float cos = (float)Math.Cos(Angle);
        float sin = (float)Math.Sin(Angle);
        return Tensor.FromArray(2, 2,
        [
            cos, -sin,
            sin, cos,
        ]);
    }

    /// <summary>
    /// <paramref name="points"/> + <paramref name="shift"/>, elementwise, as NumPy's <c>X + 0.2</c> broadcasts: every
    /// row gets the bias vector (<paramref name="shift"/>, …, <paramref name="shift"/>) added by <see cref="TensorOps.AddBias"/>.
    /// </summary>
    public static Tensor Translate(Tensor points, float shift)
    {
        ArgumentNullException.ThrowIfNull(points);
        Tensor bias = Tensor.Zeros(points.Columns);
        bias.AsSpan().Fill(shift);
        return TensorOps.AddBias(points, bias);
    }

    /// <summary>Computes the four images of the square.</summary>
    public static SquareImages Compute()
    {
        Tensor square = Square();
        Tensor rotated = TensorOps.MatMul(RotationMatrix(), square);
        return new SquareImages(
            square,
            Translate(square, Shift),
            TensorOps.MatMul(ScaleMatrix(), square),
            rotated,
            Translate(rotated, Shift));
    }

    /// <summary>Computes the four images of the square and prints each with the matrix that made it.</summary>
    public static SquareImages Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        SquareImages images = Compute();

        output.WriteLine("Matrices moving a square. The columns of X are points (x, y); in order they trace the unit square.");
        Print(output, "X", images.Square);

        output.WriteLine(Invariant($"Translation: X + {Shift} adds {Shift} to every element, so the square moves {Shift} right and {Shift} up."));
        output.WriteLine(Invariant($"(TensorOps.AddBias adds the vector [{Shift}, ..., {Shift}] to each row.)"));
        Print(output, Invariant($"X + {Shift}"), images.Translated);

        output.WriteLine(Invariant($"Scale: S*X with S = [[{ScaleFactor}, 0], [0, {ScaleFactor}]] (TensorOps.MatMul) halves every coordinate;"));
        output.WriteLine("the square shrinks to half its size towards the origin.");
        Print(output, "S", ScaleMatrix());
        Print(output, "S*X", images.Scaled);

        output.WriteLine(Invariant($"Rotation: R*X with R = [[cos {Angle}, -sin {Angle}], [sin {Angle}, cos {Angle}]] turns the square"));
        output.WriteLine(Invariant($"counter-clockwise about the origin by {Angle} rad ({Angle * 180 / Math.PI:0.##} degrees). The talk calls it \"negative 10 degrees\";"));
        output.WriteLine("with y pointing up, this matrix turns points counter-clockwise.");
        Print(output, "R", RotationMatrix());
        Print(output, "R*X", images.Rotated);

        output.WriteLine(Invariant($"Affine: R*X + {Shift}, the rotation followed by the translation."));
        Print(output, Invariant($"R*X + {Shift}"), images.Affine);
        return images;
    }

    private static void Print(TextWriter output, string name, Tensor value)
    {
        output.WriteLine($"{name} = {value}");
        output.WriteLine();
    }
}
