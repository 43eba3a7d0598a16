using System;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>Writes results in the nested shapes GradBench's evals expect.</summary>
internal static class JsonOutput
{
    /// <summary>Writes <paramref name="values"/> as one array.</summary>
    public static void Vector(Utf8JsonWriter writer, ReadOnlySpan<double> values)
    {
        writer.WriteStartArray();
        foreach (double value in values)
        {
            writer.WriteNumberValue(value);
        }
        writer.WriteEndArray();
    }

    /// <summary>Writes the row-major <paramref name="values"/> as <paramref name="rows"/> arrays of <paramref name="columns"/> numbers.</summary>
    public static void Matrix(Utf8JsonWriter writer, ReadOnlySpan<double> values, int rows, int columns)
    {
        writer.WriteStartArray();
        for (int row = 0; row < rows; row++)
        {
            Vector(writer, values.Slice(row * columns, columns));
        }
        writer.WriteEndArray();
    }
}
