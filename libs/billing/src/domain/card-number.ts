/**
 * Whether a text holds something that looks like a full card number: 13 to 19 digits (spaces or dashes
 * between them allowed) that pass the Luhn check. Bodies holding one are refused before anything is
 * written or logged, so a client that sends the number instead of the processor's token learns so and
 * the number goes nowhere.
 */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true;
  }
  return false;
}
