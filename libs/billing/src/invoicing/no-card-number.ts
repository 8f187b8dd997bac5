import { registerDecorator, ValidationOptions } from 'class-validator';
import { containsCardNumber } from '../domain/card-number';

/**
 * Refuses a text holding a full card number (13-19 digits passing Luhn). The message never quotes the
 * value, and validation errors carry no values (`@app/http` createValidationPipe), so the number is
 * neither answered back nor logged.
 */
export function NoCardNumber(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'noCardNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not hold a card number: send the processor's token instead`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || !containsCardNumber(value) },
    });
}
