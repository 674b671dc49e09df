using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using SyfalaGraph.Abstractions.Parameters;

namespace SyfalaGraph.Engine.Parameters;

/// <summary>One bindable parameter of a node type (or of a nested record), described for binding, docs and the schema.</summary>
public sealed class ParameterDescriptor
{
    internal ParameterDescriptor(PropertyInfo property, object? defaultValue)
    {
        Property = property;
        Name = SnakeCase.From(property.Name);
        Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
        Unit = property.GetCustomAttribute<UnitAttribute>()?.Unit;
        Range = property.GetCustomAttribute<RangeAttribute>();
        IsRequired = property.GetCustomAttribute<RequiredAttribute>() is not null;
        IsFilePath = property.GetCustomAttribute<FilePathAttribute>() is not null;
        DefaultValue = defaultValue;
    }

    /// <summary>The snake_case key.</summary>
    public string Name { get; }

    /// <summary>The bound property.</summary>
    public PropertyInfo Property { get; }

    /// <summary>The property's type.</summary>
    public Type Type => Property.PropertyType;

    /// <summary>From <see cref="DescriptionAttribute"/>.</summary>
    public string Description { get; }

    /// <summary>From <see cref="UnitAttribute"/>, or null.</summary>
    public string? Unit { get; }

    /// <summary>From <see cref="RangeAttribute"/>, or null.</summary>
    public RangeAttribute? Range { get; }

    /// <summary>True when the key must be given.</summary>
    public bool IsRequired { get; }

    /// <summary>True for a path resolved against the graph file's folder.</summary>
    public bool IsFilePath { get; }

    /// <summary>The value of a default-constructed record.</summary>
    public object? DefaultValue { get; }

    /// <summary>The parameters of a record type, in declaration order: public instance properties with a setter.</summary>
    public static IReadOnlyList<ParameterDescriptor> Describe(Type recordType)
    {
        object? defaults = recordType.GetConstructor(Type.EmptyTypes) is null ? null : Activator.CreateInstance(recordType);
        return recordType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .OrderBy(p => p.MetadataToken)
            .Select(p => new ParameterDescriptor(p, defaults is null ? null : p.GetValue(defaults)))
            .ToList();
    }

    /// <summary>A short type name for docs: <c>number</c>, <c>integer</c>, <c>bool</c>, <c>string</c>, <c>one of a|b</c>, <c>list of …</c>.</summary>
    public static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "string";
        }

        if (type == typeof(bool))
        {
            return "bool";
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return "number";
        }

        if (type.IsPrimitive)
        {
            return "integer";
        }

        if (type.IsEnum)
        {
            return "one of " + string.Join("|", Enum.GetNames(type).Select(SnakeCase.From));
        }

        Type? element = ParameterBinder.ElementType(type);
        return element is not null ? "list of " + TypeName(element) : "mapping";
    }
}
