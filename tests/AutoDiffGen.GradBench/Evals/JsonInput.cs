using System;
using System.Collections.Generic;
using System.Text.Json;

namespace AutoDiffGen.GradBench.Evals;

/// <summary>Reads the fields of an eval's input, flattening nested arrays row-major, with errors that name the field.</summary>
internal static class JsonInput
{
    /// <summary>The property <paramref name="name"/> of the object <paramref name="input"/>.</summary>
    public static JsonElement Field(JsonElement input, string name)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException($"the input must be an object, not {Describe(input.ValueKind)}");
        }
        if (!input.TryGetProperty(name, out JsonElement value))
        {
            throw new InvalidInputException($"the input has no field '{name}'");
        }
        return value;
    }

    /// <summary>The integer field <paramref name="name"/>.</summary>
    public static int Int(JsonElement input, string name)
    {
        JsonElement value = Field(input, name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result))
        {
            throw new InvalidInputException($"the field '{name}' must be an integer");
        }
        return result;
    }

    /// <summary>The number field <paramref name="name"/>.</summary>
    public static double Number(JsonElement input, string name) => ToDouble(Field(input, name), name);

    /// <summary>The array of numbers <paramref name="name"/>.</summary>
    public static double[] Vector(JsonElement input, string name)
    {
        JsonElement value = Field(input, name);
        RequireArray(value, name);
        var result = new double[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement element in value.EnumerateArray())
        {
            result[i] = ToDouble(element, $"{name}[{i}]");
            i++;
        }
        return result;
    }

    /// <summary>
    /// The array of equally long arrays of numbers <paramref name="name"/>, flattened row-major, with its number of
    /// rows and columns.
    /// </summary>
    public static double[] Matrix(JsonElement input, string name, out int rows, out int columns)
    {
        JsonElement value = Field(input, name);
        RequireArray(value, name);
        rows = value.GetArrayLength();
        columns = -1;
        var result = new List<double>();
        int row = 0;
        foreach (JsonElement rowElement in value.EnumerateArray())
        {
            RequireArray(rowElement, $"{name}[{row}]");
            int length = rowElement.GetArrayLength();
            if (columns >= 0 && length != columns)
            {
                throw new InvalidInputException($"the rows of '{name}' must have one length: row 0 has {columns} elements, row {row} has {length}");
            }
            columns = length;
            int column = 0;
            foreach (JsonElement element in rowElement.EnumerateArray())
            {
                result.Add(ToDouble(element, $"{name}[{row}][{column}]"));
                column++;
            }
            row++;
        }
        columns = Math.Max(columns, 0);
        return result.ToArray();
    }

    /// <summary>Requires <paramref name="actual"/> to equal <paramref name="expected"/>, which the eval's definition implies.</summary>
    public static void RequireLength(string what, int actual, int expected)
    {
        if (actual != expected)
        {
            throw new InvalidInputException($"{what} must be {expected}, not {actual}");
        }
    }

    /// <summary>Requires <paramref name="value"/> to be positive.</summary>
    public static void RequirePositive(string name, int value)
    {
        if (value <= 0)
        {
            throw new InvalidInputException($"'{name}' must be positive, not {value}");
        }
    }

    private static double ToDouble(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new InvalidInputException($"'{name}' must be a number, not {Describe(element.ValueKind)}");
        }
        return element.GetDouble();
    }

    private static void RequireArray(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInputException($"'{name}' must be an array, not {Describe(element.ValueKind)}");
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
